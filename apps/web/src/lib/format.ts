export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** 850 -> "850 ms", 12_300 -> "12.3 s", 192_000 -> "3 min 12 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function describeNoise(noise: {
  level: number;
  mode: string;
  schedule: string;
  shared: boolean;
}): string {
  if (noise.level === 0) return 'none';
  const shared = noise.shared ? ', shared' : '';
  return `${noise.level} ${noise.mode.toLowerCase()}, ${noise.schedule.toLowerCase().replace('_', '-')}${shared}`;
}

/**
 * Remaining time from the measured decode times of the frames stored so far. The first frame a
 * worker decodes also pays for loading the model and encoding the keyframes, so it is left out:
 * null until a second frame gives a pace to go on. 0 once every frame is stored.
 */
export function estimateRemainingMs(
  frames: readonly { index: number; decodeMs: number }[],
  total: number,
): number | null {
  if (total > 0 && frames.length >= total) return 0;
  if (frames.length < 2) return null;
  const first = Math.min(...frames.map((f) => f.index));
  const measured = frames.filter((f) => f.index !== first && Number.isFinite(f.decodeMs));
  if (measured.length === 0) return null;
  const pace = measured.reduce((sum, f) => sum + f.decodeMs, 0) / measured.length;
  return pace * (total - frames.length);
}

/** The items of a comma-separated list as typed (tags, sweep values), trimmed, empty ones left out. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

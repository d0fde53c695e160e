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
 * Remaining time from the average pace so far; null until there is a pace to go on.
 */
export function estimateRemainingMs(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= done || elapsedMs <= 0) return done >= total && total > 0 ? 0 : null;
  return (elapsedMs / done) * (total - done);
}

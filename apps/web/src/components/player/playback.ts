export type PlaybackMode = 'loop' | 'ping-pong';

/** The next position when playing: loop wraps around, ping-pong reverses at either end. */
export function nextPosition(
  position: number,
  count: number,
  direction: 1 | -1,
  mode: PlaybackMode,
): { position: number; direction: 1 | -1 } {
  if (count <= 1) return { position: 0, direction };
  const next = position + direction;
  if (next >= 0 && next < count) return { position: next, direction };
  if (mode === 'loop') return { position: direction === 1 ? 0 : count - 1, direction };
  const reversed = direction === 1 ? -1 : 1;
  return { position: position + reversed, direction: reversed };
}

/** The item at relative position t (0..1) of a list: the same relative place in runs of any length. */
export function itemAt<T>(items: readonly T[], t: number): T | undefined {
  if (items.length === 0) return undefined;
  const clamped = Math.min(1, Math.max(0, t));
  return items[Math.round(clamped * (items.length - 1))];
}

/** A frame as every view names it: counted from 1, out of the run's steps ("frame 3 of 7"). */
export function frameLabel(index: number, count: number): string {
  return `frame ${index + 1} of ${count}`;
}

/** The keys both players handle (usePlaybackKeys), as aria-keyshortcuts lists them. */
export const PLAYBACK_KEYS = 'Space ArrowLeft ArrowRight Home End';
/** The same keys in words, for the hint beside a player. */
export const PLAYBACK_KEYS_HINT =
  'Keys: Space plays or pauses, ← and → step one frame, Home and End go to the first and last frame.';

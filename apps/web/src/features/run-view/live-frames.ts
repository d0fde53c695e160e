import type { RunProgressSubscription } from '../../gql/graphql.ts';

export type ProgressEvent = RunProgressSubscription['runProgress'];

/** A frame as the run view and compare show it, stored (from the run) or just announced (live). */
export interface LiveFrame {
  readonly index: number;
  readonly alpha: number;
  readonly noiseLevel: number;
  readonly url: string;
  readonly thumbnailUrl: string;
  readonly decodeMs: number;
  readonly change?: number | null;
}

/** The frame a progress event announces, or null for a status event. */
export function frameOfEvent(event: ProgressEvent): LiveFrame | null {
  if (event.kind !== 'FRAME' || event.index === null || event.url === null) return null;
  return {
    index: event.index,
    alpha: event.alpha ?? 0,
    noiseLevel: event.noiseLevel ?? 0,
    url: event.url,
    thumbnailUrl: event.thumbnailUrl ?? event.url,
    decodeMs: event.decodeMs ?? 0,
    change: event.change ?? null,
  };
}

/** The stored frames with the live ones over them, by index. */
export function mergeFrames(
  stored: readonly LiveFrame[],
  live: Iterable<LiveFrame>,
): Map<number, LiveFrame> {
  const byIndex = new Map<number, LiveFrame>();
  for (const frame of stored) byIndex.set(frame.index, frame);
  for (const frame of live) byIndex.set(frame.index, frame);
  return byIndex;
}

/** Tries at fetching an ended run's final record before a page says it could not. */
export const FINAL_FETCH_TRIES = 5;

/** The wait before the try after `tries` failed ones: 1, 2, 4 and 8 s. */
export const finalFetchDelayMs = (tries: number): number => 1000 * 2 ** (tries - 1);

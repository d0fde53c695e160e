// Quality figures of a rendered run, as pure functions of what a run stores: each frame's position
// and change, the pixels of a few frames, and the keyframe latents. The formulas are documented in
// this package's README.
import { PSNR_CAP_DB, type RunMetrics } from '@latent-lab/domain';
import { EngineError } from './errors.ts';
import { latentDistance } from './interpolate/index.ts';

function invalid(field: string, message: string): EngineError {
  return new EngineError('INVALID_OPTION', message, field);
}

/**
 * Mean, maximum and coefficient of variation (population standard deviation / mean) of the
 * frame-to-frame changes. Equal frames throughout (mean 0) have CV 0: nothing changes, evenly.
 */
export function changeStats(
  changes: readonly number[],
): Pick<RunMetrics, 'meanChange' | 'maxChange' | 'changeCv'> {
  if (changes.length === 0) throw invalid('changes', 'at least one frame change is needed');
  const meanChange = changes.reduce((sum, change) => sum + change, 0) / changes.length;
  const variance =
    changes.reduce((sum, change) => sum + (change - meanChange) ** 2, 0) / changes.length;
  return {
    meanChange,
    maxChange: changes.reduce((max, change) => Math.max(max, change), 0),
    changeCv: meanChange === 0 ? 0 : Math.sqrt(variance) / meanChange,
  };
}

/**
 * Peak signal-to-noise ratio of two 8-bit images of the same size, in dB:
 * 10 log10(255^2 / MSE) over every channel value; identical images give PSNR_CAP_DB.
 */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) {
    throw invalid(
      'images',
      `images must be non-empty and of equal size, got ${a.length} and ${b.length} values`,
    );
  }
  let squares = 0;
  for (let i = 0; i < a.length; i++) squares += (a[i]! - b[i]!) ** 2;
  if (squares === 0) return PSNR_CAP_DB;
  return Math.min(PSNR_CAP_DB, 10 * Math.log10((255 * 255 * a.length) / squares));
}

/** Sum of the L2 distances between consecutive latents. */
export function pathLength(latents: Iterable<Float32Array>): number {
  let total = 0;
  let previous: Float32Array | undefined;
  for (const latent of latents) {
    if (previous) total += latentDistance(previous, latent);
    previous = latent;
  }
  return total;
}

/**
 * For each of `keyframes` keyframes, the frame whose position (alpha) is nearest the keyframe's
 * position k / (keyframes - 1); on a tie the earlier frame. Frames are offered in index order, so
 * a render can keep only these frames' pixels as it goes. Frames 0 and last sit exactly on the
 * first and last keyframes; an inner keyframe may fall between two frames.
 */
export class NearestFrames<T> {
  private readonly nearest: { distance: number; index: number; value: T }[] = [];
  private readonly keyframes: number;

  constructor(keyframes: number) {
    if (!Number.isInteger(keyframes) || keyframes < 2)
      throw invalid('keyframes', `a path needs at least 2 keyframes, got ${keyframes}`);
    this.keyframes = keyframes;
  }

  /** Frame `index` at position `alpha`, carrying `value` (its pixels, or how to read them). */
  offer(index: number, alpha: number, value: T): void {
    for (let k = 0; k < this.keyframes; k++) {
      const distance = Math.abs(alpha - k / (this.keyframes - 1));
      const best = this.nearest[k];
      if (!best || distance < best.distance) this.nearest[k] = { distance, index, value };
    }
  }

  /** Per keyframe, the nearest frame offered: its index and value. */
  frames(): { index: number; value: T }[] {
    if (this.nearest.length === 0) throw invalid('frames', 'at least one frame is needed');
    return this.nearest.map(({ index, value }) => ({ index, value }));
  }
}

/**
 * Significant digits a run's metrics are kept to: far finer than what they measure, and few enough
 * that every way of storing them keeps them exactly (an element of a float8[] column came back
 * through Prisma with 15 significant digits, 25.621664335493705 as 25.6216643354937, so it no
 * longer equalled the same value read from a float8 column).
 */
const METRIC_DIGITS = 12;

const kept = (value: number): number => Number(value.toPrecision(METRIC_DIGITS));

/** The run's metrics from its measured parts (see changeStats, psnr and pathLength). */
export function runMetrics(parts: {
  changes: readonly number[];
  endpointPsnr: readonly number[];
  pathLength: number;
}): RunMetrics {
  if (parts.endpointPsnr.length === 0)
    throw invalid('endpointPsnr', 'at least one keyframe PSNR is needed');
  const { meanChange, maxChange, changeCv } = changeStats(parts.changes);
  const endpointPsnr = parts.endpointPsnr.map(kept);
  return {
    meanChange: kept(meanChange),
    maxChange: kept(maxChange),
    changeCv: kept(changeCv),
    endpointPsnr,
    minEndpointPsnr: Math.min(...endpointPsnr),
    pathLength: kept(parts.pathLength),
  };
}

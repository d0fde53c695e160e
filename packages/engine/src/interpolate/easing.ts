import { EngineError } from '../errors.ts';
import { EASINGS, type Easing, type RunParams } from '@latent-lab/domain';
import { latentDistance } from './vectors.ts';

/** Quadratic curves: gentle enough that no frame pair jumps much more than a linear step. */
const curves: Record<Easing, (t: number) => number> = {
  linear: (t) => t,
  'ease-in': (t) => t * t,
  'ease-out': (t) => t * (2 - t),
  'ease-in-out': (t) => (t < 0.5 ? 2 * t * t : 1 - 2 * (1 - t) * (1 - t)),
  smoothstep: (t) => t * t * (3 - 2 * t),
};

export function assertEasing(easing: string): asserts easing is Easing {
  if (!Object.hasOwn(curves, easing)) {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown easing "${easing}" (expected one of ${EASINGS.join(', ')})`,
      'easing',
    );
  }
}

/**
 * Maps t in [0,1] through the easing curve. Every curve gives exactly 0 at 0 and exactly 1 at 1,
 * so eased frame positions still start and end on the keyframes.
 */
export function ease(easing: Easing, t: number): number {
  assertEasing(easing);
  if (!(t >= 0 && t <= 1)) {
    throw new EngineError('INVALID_OPTION', `easing input must be in [0, 1], got ${t}`, 't');
  }
  return curves[easing](t);
}

/** Points sampled per keyframe segment to measure the path's length (arc-length spacing). */
const SAMPLES_PER_SEGMENT = 64;

/** A path through the keyframe latents: position in [0,1] to latent. */
export type LatentPath = (position: number) => Float32Array;

/**
 * The path positions at which the given fractions of its latent length are reached: the length is
 * measured along SAMPLES_PER_SEGMENT points per segment (exact for lerp, whose segments are
 * straight) and inverted piecewise linearly. Fractions 0 and 1 stay exactly on the end keyframes.
 */
function arcLengthPositions(fractions: number[], path: LatentPath, segments: number): number[] {
  const samples = SAMPLES_PER_SEGMENT * segments;
  const lengths = [0];
  let previous = path(0);
  for (let i = 1; i <= samples; i++) {
    const point = path(i / samples);
    lengths.push(lengths[i - 1]! + latentDistance(previous, point));
    previous = point;
  }
  const total = lengths[samples]!;
  // Every keyframe the same latent: no length to spread the frames over.
  if (total === 0) return fractions;
  return fractions.map((fraction) => {
    if (fraction <= 0 || fraction >= 1) return fraction;
    const target = fraction * total;
    let low = 0;
    let high = samples;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if (lengths[middle]! < target) low = middle;
      else high = middle;
    }
    const span = lengths[high]! - lengths[low]!;
    return (low + (span > 0 ? (target - lengths[low]!) / span : 0)) / samples;
  });
}

/**
 * Where each frame sits on the path (0: first keyframe, 1: last). uniform: linspace(0, 1, steps)
 * through the easing, the recipe's spacing. arc-length: the eased fractions of the path's latent
 * length, so equal latent distance separates consecutive frames (with linear easing) however near
 * or far the keyframes are; it needs the path and its number of segments (keyframes - 1).
 */
export function framePositions(
  steps: number,
  easing: Easing,
  spacing: RunParams['spacing'] = 'uniform',
  path?: { at: LatentPath; segments: number },
): number[] {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new EngineError('INVALID_OPTION', `steps must be an integer >= 2, got ${steps}`, 'steps');
  }
  assertEasing(easing);
  const eased = Array.from({ length: steps }, (_, i) => curves[easing](i / (steps - 1)));
  if (spacing === 'uniform') return eased;
  if (!path)
    throw new EngineError('INVALID_OPTION', 'arc-length spacing needs the latent path', 'spacing');
  return arcLengthPositions(eased, path.at, path.segments);
}

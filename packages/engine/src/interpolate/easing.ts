import { EngineError } from '../errors.ts';
import { EASINGS, type Easing } from '@latent-lab/domain';

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

/** linspace(0, 1, steps) passed through the easing; the first is exactly 0 and the last exactly 1. */
export function framePositions(steps: number, easing: Easing): number[] {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new EngineError('INVALID_OPTION', `steps must be an integer >= 2, got ${steps}`, 'steps');
  }
  assertEasing(easing);
  return Array.from({ length: steps }, (_, i) => curves[easing](i / (steps - 1)));
}

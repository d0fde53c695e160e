import { EngineError } from '../errors.ts';
import type { InterpolationMethod } from '../types.ts';

/** Above this |cos| the vectors are treated as parallel and slerp falls back to lerp (as diffusers does). */
export const SLERP_PARALLEL_THRESHOLD = 0.9995;

const METHODS: readonly InterpolationMethod[] = ['lerp', 'slerp'];

export function assertMethod(method: string): asserts method is InterpolationMethod {
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown interpolation method "${method}" (expected lerp or slerp)`,
      'method',
    );
  }
}

function checkPair(a: Float32Array, b: Float32Array, t: number): void {
  if (a.length !== b.length) {
    throw new EngineError(
      'INVALID_OPTION',
      `latents differ in length (${a.length} vs ${b.length})`,
      'latents',
    );
  }
  if (!Number.isFinite(t)) {
    throw new EngineError(
      'INVALID_OPTION',
      `interpolation parameter must be finite, got ${t}`,
      't',
    );
  }
}

/** Weighted sum wa*a + wb*b computed in float64 and rounded once to float32. */
function combine(a: Float32Array, wa: number, b: Float32Array, wb: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

/** (1-t)*a + t*b. t=0 and t=1 return copies of a and b bit for bit (the formula alone could flip -0 to +0). */
export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  checkPair(a, b, t);
  if (t === 0) return a.slice();
  if (t === 1) return b.slice();
  return combine(a, 1 - t, b, t);
}

/**
 * Spherical interpolation along the great arc between a and b, with their magnitudes carried along
 * the same weights (the diffusers formula). Falls back to lerp when |cos| > 0.9995 or a vector is zero,
 * where the arc is numerically undefined. Dot products are accumulated in float64.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  checkPair(a, b, t);
  if (t === 0) return a.slice();
  if (t === 1) return b.slice();
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  const cos = dot / Math.sqrt(normA * normB);
  if (!(Math.abs(cos) <= SLERP_PARALLEL_THRESHOLD)) return combine(a, 1 - t, b, t);
  const theta = Math.acos(cos);
  const sinTheta = Math.sin(theta);
  return combine(a, Math.sin((1 - t) * theta) / sinTheta, b, Math.sin(t * theta) / sinTheta);
}

/**
 * The point at `position` along a path through K >= 2 keyframes, the K-1 segments spread evenly over
 * [0,1]. Positions k/(K-1) (including 0 and 1) return keyframe k exactly.
 */
export function interpolatePath(
  keyframes: readonly Float32Array[],
  position: number,
  method: InterpolationMethod,
): Float32Array {
  assertMethod(method);
  if (keyframes.length < 2) {
    throw new EngineError(
      'INVALID_OPTION',
      `a path needs at least 2 keyframes, got ${keyframes.length}`,
      'keyframes',
    );
  }
  const length = keyframes[0]!.length;
  for (const [k, frame] of keyframes.entries()) {
    if (frame.length !== length) {
      throw new EngineError(
        'INVALID_OPTION',
        `keyframe ${k} has length ${frame.length}, keyframe 0 has ${length}`,
        'keyframes',
      );
    }
  }
  if (!(position >= 0 && position <= 1)) {
    throw new EngineError(
      'INVALID_OPTION',
      `position must be in [0, 1], got ${position}`,
      'position',
    );
  }
  const segments = keyframes.length - 1;
  const scaled = position * segments;
  const nearest = Math.round(scaled);
  // Division is correctly rounded, so a position computed as k/(K-1) compares equal here.
  if (position === nearest / segments) return keyframes[nearest]!.slice();
  const segment = Math.min(Math.floor(scaled), segments - 1);
  const interpolate = method === 'slerp' ? slerp : lerp;
  return interpolate(keyframes[segment]!, keyframes[segment + 1]!, scaled - segment);
}

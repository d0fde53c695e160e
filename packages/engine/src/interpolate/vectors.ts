import { EngineError } from '../errors.ts';
import { INTERPOLATION_METHODS } from '@latent-lab/domain';
import type { InterpolationMethod } from '../types.ts';

/** Above this |cos| the vectors are treated as parallel and slerp falls back to lerp (as diffusers does). */
export const SLERP_PARALLEL_THRESHOLD = 0.9995;

export function assertMethod(method: string): asserts method is InterpolationMethod {
  if (!(INTERPOLATION_METHODS as readonly string[]).includes(method)) {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown interpolation method "${method}" (expected ${INTERPOLATION_METHODS.join(', ')})`,
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

/** The L2 distance between two latents, accumulated in float64. */
export function latentDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

/** The end keyframe mirrored through its neighbour: the spline leaves and enters the ends straight. */
function mirrored(end: Float32Array, neighbour: Float32Array): Float32Array {
  return combine(end, 2, neighbour, -1);
}

/**
 * Centripetal Catmull-Rom (alpha 1/2) between p1 and p2 at u in [0,1], p0 and p3 the keyframes
 * around them: the Barry-Goldman pyramid, folded into one weight per point so the latent is
 * summed once. Knot intervals are square roots of the latent distances (never loops or cusps).
 */
function catmullRom(
  p0: Float32Array,
  p1: Float32Array,
  p2: Float32Array,
  p3: Float32Array,
  u: number,
): Float32Array {
  const raw = [latentDistance(p0, p1), latentDistance(p1, p2), latentDistance(p2, p3)].map(
    Math.sqrt,
  );
  if (raw[1] === 0) return p1.slice();
  // A repeated keyframe has no length; it borrows the middle interval so no weight divides by 0.
  const [d0, d1, d2] = raw.map((d) => (d > 0 ? d : raw[1]!)) as [number, number, number];
  const t0 = 0;
  const t1 = d0;
  const t2 = t1 + d1;
  const t3 = t2 + d2;
  const t = t1 + u * d1;
  const a10 = (t1 - t) / (t1 - t0);
  const a11 = (t - t0) / (t1 - t0);
  const a21 = (t2 - t) / (t2 - t1);
  const a22 = (t - t1) / (t2 - t1);
  const a32 = (t3 - t) / (t3 - t2);
  const a33 = (t - t2) / (t3 - t2);
  const b1 = (t2 - t) / (t2 - t0);
  const b2 = (t - t0) / (t2 - t0);
  const c1 = (t3 - t) / (t3 - t1);
  const c2 = (t - t1) / (t3 - t1);
  const w0 = a21 * b1 * a10;
  const w1 = a21 * (b1 * a11 + b2 * a21) + a22 * c1 * a21;
  const w2 = a21 * b2 * a22 + a22 * (c1 * a22 + c2 * a32);
  const w3 = a22 * c2 * a33;
  const out = new Float32Array(p1.length);
  for (let i = 0; i < out.length; i++)
    out[i] = w0 * p0[i]! + w1 * p1[i]! + w2 * p2[i]! + w3 * p3[i]!;
  return out;
}

/** The spline's point on the segment from keyframe `segment` to the next, at u in [0,1]. */
function splineSegment(
  keyframes: readonly Float32Array[],
  segment: number,
  u: number,
): Float32Array {
  const p1 = keyframes[segment]!;
  const p2 = keyframes[segment + 1]!;
  const p0 = segment > 0 ? keyframes[segment - 1]! : mirrored(p1, p2);
  const p3 = segment + 2 < keyframes.length ? keyframes[segment + 2]! : mirrored(p2, p1);
  return catmullRom(p0, p1, p2, p3, u);
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
  if (method === 'spline') return splineSegment(keyframes, segment, scaled - segment);
  const interpolate = method === 'slerp' ? slerp : lerp;
  return interpolate(keyframes[segment]!, keyframes[segment + 1]!, scaled - segment);
}

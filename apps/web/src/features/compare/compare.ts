// Pure helpers of the comparison player: which frame of each run a shared position shows, the
// compare URL, and the difference image.

import type { Easing as DomainEasing } from '@latent-lab/domain';
import { framePositions as engineFramePositions } from '@latent-lab/engine/easing';
import type { Easing } from '../../gql/graphql.ts';

/** The alpha (position along the path, 0..1) of every frame of a run: the engine's own curves. */
export function framePositions(steps: number, easing: Easing): number[] {
  if (!(steps >= 2)) return steps === 1 ? [0] : [];
  return engineFramePositions(steps, easing.toLowerCase().replaceAll('_', '-') as DomainEasing);
}

/** The frame index whose alpha is nearest to the target (the earlier one on a tie). */
export function nearestIndex(alphas: readonly number[], target: number): number {
  let best = 0;
  for (let i = 1; i < alphas.length; i++)
    if (Math.abs(alphas[i]! - target) < Math.abs(alphas[best]! - target)) best = i;
  return best;
}

/**
 * The shared scrubber has one step per frame of the longest run; position p of N steps is alpha
 * p / (N - 1), and each run shows its frame with the nearest alpha.
 */
export function alphaOfPosition(position: number, positions: number): number {
  return positions <= 1 ? 0 : Math.min(1, Math.max(0, position / (positions - 1)));
}

export type CompareMode = 'side' | 'wipe' | 'onion' | 'diff';
export const COMPARE_MODES: readonly { value: CompareMode; label: string }[] = [
  { value: 'side', label: 'Side by side' },
  { value: 'wipe', label: 'A/B wipe' },
  { value: 'onion', label: 'Onion skin' },
  { value: 'diff', label: 'Difference' },
];

export interface CompareState {
  runs: string[];
  frame: number;
  mode: CompareMode;
  /** Indexes into runs of the two runs the wipe, onion and difference views show. */
  a: number;
  b: number;
}

interface Params {
  get(name: string): string | null;
}

function intParam(params: Params | null, name: string, fallback: number): number {
  const value = Number(params?.get(name) ?? '');
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function compareStateFromParams(params: Params | null, maxRuns: number): CompareState {
  const runs = (params?.get('runs') ?? '').split(',').filter(Boolean).slice(0, maxRuns);
  const mode = params?.get('view') ?? 'side';
  const a = Math.min(intParam(params, 'a', 0), Math.max(0, runs.length - 1));
  let b = Math.min(intParam(params, 'b', 1), Math.max(0, runs.length - 1));
  if (b === a) b = a === 0 ? Math.min(1, runs.length - 1) : 0;
  return {
    runs,
    frame: intParam(params, 'frame', 0),
    mode: COMPARE_MODES.some((m) => m.value === mode) ? (mode as CompareMode) : 'side',
    a,
    b,
  };
}

export function compareQuery(state: CompareState): string {
  const out = new URLSearchParams({ runs: state.runs.join(',') });
  if (state.frame > 0) out.set('frame', String(state.frame));
  if (state.mode !== 'side') out.set('view', state.mode);
  if (state.a !== 0) out.set('a', String(state.a));
  if (state.b !== 1) out.set('b', String(state.b));
  return out.toString().replaceAll('%2C', ',');
}

/**
 * Absolute difference of two RGBA pixel buffers of the same size, multiplied by gain and clamped;
 * alpha is opaque. Returns the number of pixels that differ at all.
 */
export function differenceInto(
  a: Uint8ClampedArray,
  b: Uint8ClampedArray,
  out: Uint8ClampedArray,
  gain: number,
): number {
  let differing = 0;
  for (let i = 0; i < out.length; i += 4) {
    const r = Math.abs(a[i]! - b[i]!);
    const g = Math.abs(a[i + 1]! - b[i + 1]!);
    const bl = Math.abs(a[i + 2]! - b[i + 2]!);
    if (r || g || bl) differing++;
    out[i] = r * gain;
    out[i + 1] = g * gain;
    out[i + 2] = bl * gain;
    out[i + 3] = 255;
  }
  return differing;
}

// Pure helpers of the comparison player: which frame of each run a shared position shows, the
// compare URL, and the difference image.

import type { Easing as DomainEasing } from '@latent-lab/domain';
import { framePositions as engineFramePositions } from '@latent-lab/engine/easing';
import type { Easing } from '../../gql/graphql.ts';
import {
  createLoader,
  createParser,
  createSerializer,
  parseAsArrayOf,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs';

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
export const COMPARE_MODES = [
  { value: 'side', label: 'Side by side' },
  { value: 'wipe', label: 'A/B wipe' },
  { value: 'onion', label: 'Onion skin' },
  { value: 'diff', label: 'Difference' },
] as const satisfies readonly { value: CompareMode; label: string }[];

/** The most runs one comparison shows (and one sweep launches). */
export const MAX_COMPARED = 4;

/** A whole number of 0 or more; anything else in the URL reads as absent. */
const parseAsPosition = createParser({
  parse: (value) => (/^\d+$/.test(value) ? Number(value) : null),
  serialize: String,
});

/**
 * The comparison's URL: the runs, the shared frame, the view and the two runs (indexes into runs)
 * the wipe, onion and difference views show. Defaults are left out of the URL.
 */
export const compareParams = {
  runs: parseAsArrayOf(parseAsString).withDefault([]),
  frame: parseAsPosition.withDefault(0),
  view: parseAsStringLiteral(COMPARE_MODES.map((m) => m.value)).withDefault('side'),
  a: parseAsPosition.withDefault(0),
  b: parseAsPosition.withDefault(1),
};

export const loadCompareParams = createLoader(compareParams);
export const compareUrl = createSerializer(compareParams);

/** The link to a comparison of these runs. */
export const compareHref = (runs: readonly string[]): string =>
  compareUrl('/compare', { runs: [...runs] });

/** The A and B of the blend views as indexes into `count` runs: in range and never the same. */
export function comparePair(a: number, b: number, count: number): { a: number; b: number } {
  const last = Math.max(0, count - 1);
  const pairA = Math.min(a, last);
  const pairB = Math.min(b, last);
  return { a: pairA, b: pairB === pairA ? (pairA === 0 ? Math.min(1, last) : 0) : pairB };
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

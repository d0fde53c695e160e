// Pure helpers of the comparison player: which frame of each run a shared position shows, the
// compare URL (the whole view: a copied link or a report restores it), and the difference image.

import {
  COMPARE_VIEW_MODES,
  DEFAULT_COMPARE_VIEW,
  DIFF_GAINS,
  MAX_COMPARED,
  type CompareMode,
  type CompareView,
  type Easing as DomainEasing,
} from '@latent-lab/domain';
import { framePositions as engineFramePositions } from '@latent-lab/engine/easing';
import type { Easing } from '../../gql/graphql.ts';
import {
  createLoader,
  createParser,
  createSerializer,
  parseAsArrayOf,
  parseAsNumberLiteral,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs';

export { MAX_COMPARED, type CompareMode, type CompareView };

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

export const COMPARE_MODES = [
  { value: 'side', label: 'Side by side' },
  { value: 'wipe', label: 'A/B wipe' },
  { value: 'onion', label: 'Onion skin' },
  { value: 'diff', label: 'Difference' },
] as const satisfies readonly { value: CompareMode; label: string }[];

/** A whole number of 0 or more; anything else in the URL reads as absent. */
const parseAsPosition = createParser({
  parse: (value) => (/^\d+$/.test(value) ? Number(value) : null),
  serialize: String,
});

/** A whole percent from 0 to 100; anything else in the URL reads as absent. */
const parseAsPercent = createParser({
  parse: (value) => (/^\d+$/.test(value) && Number(value) <= 100 ? Number(value) : null),
  serialize: String,
});

const percent = (share: number) => Math.round(share * 100);

/**
 * The comparison's URL: the runs, the shared frame, the view, the two runs (indexes into runs)
 * the wipe, onion and difference views show, the wipe's divider and the onion's opacity (whole
 * percents) and the difference's amplification. Defaults are left out of the URL.
 */
export const compareParams = {
  runs: parseAsArrayOf(parseAsString).withDefault([]),
  frame: parseAsPosition.withDefault(DEFAULT_COMPARE_VIEW.frame),
  view: parseAsStringLiteral(COMPARE_VIEW_MODES).withDefault(DEFAULT_COMPARE_VIEW.mode),
  a: parseAsPosition.withDefault(DEFAULT_COMPARE_VIEW.pair.a),
  b: parseAsPosition.withDefault(DEFAULT_COMPARE_VIEW.pair.b),
  wipe: parseAsPercent.withDefault(percent(DEFAULT_COMPARE_VIEW.wipe)),
  opacity: parseAsPercent.withDefault(percent(DEFAULT_COMPARE_VIEW.opacity)),
  gain: parseAsNumberLiteral(DIFF_GAINS).withDefault(DEFAULT_COMPARE_VIEW.gain),
};

export type CompareParams = {
  [K in keyof typeof compareParams]: ReturnType<(typeof compareParams)[K]['parseServerSide']>;
};

export const loadCompareParams = createLoader(compareParams);
export const compareUrl = createSerializer(compareParams);

/** The view a compare URL describes (at most MAX_COMPARED runs; A and B made valid). */
export function viewOfUrl(url: CompareParams): CompareView {
  const runIds = url.runs.slice(0, MAX_COMPARED);
  return {
    kind: 'compare',
    runIds,
    frame: url.frame,
    mode: url.view,
    pair: comparePair(url.a, url.b, runIds.length),
    wipe: url.wipe / 100,
    opacity: url.opacity / 100,
    gain: url.gain,
  };
}

/** The URL parameters of a view, as the compare page writes them. */
export function urlOfView(view: CompareView): CompareParams {
  return {
    runs: view.runIds,
    frame: view.frame,
    view: view.mode,
    a: view.pair.a,
    b: view.pair.b,
    wipe: percent(view.wipe),
    opacity: percent(view.opacity),
    gain: view.gain,
  };
}

/** The compare page's link to a view: opening it restores the whole view. */
export const compareLink = (view: CompareView): string => compareUrl('/compare', urlOfView(view));

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

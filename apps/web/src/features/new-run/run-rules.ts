// The API's rules for a run as the New run form checks them before sending, so a typo is caught
// before the request. The limits are the domain's defaults (MAX_STEPS, MAX_SIDE); a server
// configured otherwise still has the last word, and reports every bad field at once.
import { DEFAULT_RUN_LIMITS, MAX_SEED, MIN_STEPS, SIDE_MULTIPLE } from '@latent-lab/domain';

import { EASING_OPTIONS, METHOD_OPTIONS } from '../../lib/options.ts';

export { MAX_SEED, MIN_STEPS, SIDE_MULTIPLE };
export const MAX_STEPS = DEFAULT_RUN_LIMITS.maxSteps;
export const MAX_SIDE = DEFAULT_RUN_LIMITS.maxSide;
/** The most runs one sweep launches: what one comparison shows. */
export const MAX_SWEEP = 4;

/** Whole numbers only; anything else becomes NaN so the field can say so. */
export function parseInteger(text: string): number {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

export function stepsError(text: string): string | undefined {
  const steps = parseInteger(text);
  if (Number.isNaN(steps)) return 'Steps must be a whole number.';
  if (steps < MIN_STEPS || steps > MAX_STEPS)
    return `Steps must be from ${MIN_STEPS} to ${MAX_STEPS} (got ${steps}).`;
  return undefined;
}

export function sizeError(widthText: string, heightText: string): string | undefined {
  const sides = [parseInteger(widthText), parseInteger(heightText)];
  if (sides.some(Number.isNaN)) return 'Width and height must be whole numbers of pixels.';
  const bad = sides.filter((s) => s < SIDE_MULTIPLE || s > MAX_SIDE || s % SIDE_MULTIPLE !== 0);
  if (bad.length > 0)
    return `Width and height must be multiples of ${SIDE_MULTIPLE} from ${SIDE_MULTIPLE} to ${MAX_SIDE} (got ${bad.join(', ')}).`;
  return undefined;
}

export function seedError(text: string): string | undefined {
  const seed = parseInteger(text);
  if (Number.isNaN(seed)) return 'Seed must be a whole number.';
  if (seed < 0 || seed > MAX_SEED) return `Seed must be from 0 to ${MAX_SEED} (got ${seed}).`;
  return undefined;
}

export type SweepField = 'none' | 'seed' | 'noise' | 'method' | 'easing';

export const SWEEP_FIELDS: readonly { value: SweepField; label: string; example: string }[] = [
  { value: 'none', label: 'Nothing (one run)', example: '' },
  { value: 'seed', label: 'Seed', example: '' },
  { value: 'noise', label: 'Noise level', example: '0, 0.2, 0.4' },
  { value: 'method', label: 'Method', example: 'slerp, lerp' },
  { value: 'easing', label: 'Easing', example: 'linear, ease-in-out, smoothstep' },
];

const METHOD_VALUES: readonly string[] = METHOD_OPTIONS;
const EASING_VALUES: readonly string[] = EASING_OPTIONS;

/** The values of a sweep as the API takes them, or the reason they cannot be used. */
export function parseSweep(
  field: SweepField,
  text: string,
): { values: (string | number)[] } | { error: string } {
  const items = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (field === 'none') return { values: [] };
  if (items.length < 2 || items.length > MAX_SWEEP)
    return {
      error: `A sweep takes 2 to ${MAX_SWEEP} values, comma separated (got ${items.length}).`,
    };
  if (new Set(items).size !== items.length) return { error: 'The sweep repeats a value.' };
  if (field === 'seed') {
    const bad = items.find((v) => seedError(v) !== undefined);
    return bad === undefined
      ? { values: items.map(Number) }
      : { error: `Seeds must be whole numbers from 0 to ${MAX_SEED} (got ${bad}).` };
  }
  if (field === 'noise') {
    const bad = items.find((v) => !/^\d*\.?\d+$/.test(v));
    return bad === undefined
      ? { values: items.map(Number) }
      : { error: `Noise levels must be numbers of 0 or more (got ${bad}).` };
  }
  const allowed = field === 'method' ? METHOD_VALUES : EASING_VALUES;
  const values = items.map((v) => v.toUpperCase().replaceAll('-', '_'));
  const bad = values.findIndex((v) => !allowed.includes(v));
  return bad < 0
    ? { values }
    : {
        error: `Unknown ${field} "${items[bad]}" (one of ${allowed.map((v) => v.toLowerCase().replaceAll('_', '-')).join(', ')}).`,
      };
}

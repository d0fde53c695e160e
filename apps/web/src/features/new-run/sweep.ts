// A sweep: 2 to 4 runs that differ in one parameter. Its values are checked against the domain's
// option table (the seed's bounds, the noise level's, the methods and easings there are).
import {
  DEFAULT_RUN_LIMITS,
  optionConstant,
  optionMax,
  RUN_OPTIONS,
  type ChoiceOption,
  type NumberOption,
  type RunOption,
} from '@latent-lab/domain';
import { commaList } from '../../lib/format.ts';
import { MAX_COMPARED } from '../compare/compare.ts';

/** The most runs one sweep launches: what one comparison shows. */
export const MAX_SWEEP = MAX_COMPARED;

export type SweepField = 'none' | 'seed' | 'noise' | 'method' | 'easing';

export const SWEEP_FIELDS: readonly { value: SweepField; label: string; example: string }[] = [
  { value: 'none', label: 'Nothing (one run)', example: '' },
  { value: 'seed', label: 'Seed', example: '' },
  { value: 'noise', label: 'Noise level', example: '0, 0.2, 0.4' },
  { value: 'method', label: 'Method', example: 'slerp, lerp' },
  { value: 'easing', label: 'Easing', example: 'linear, ease-in-out, smoothstep' },
];

/** The option of the domain's table at this path. */
export function runOption<K extends 'choice' | 'integer' | 'number'>(
  path: string,
  kind: K,
): K extends 'choice' ? ChoiceOption : NumberOption {
  const option = (RUN_OPTIONS as readonly RunOption[]).find((o) => o.path === path);
  if (option?.kind !== kind) throw new Error(`no ${kind} option ${path} in the domain's table`);
  return option as K extends 'choice' ? ChoiceOption : NumberOption;
}

/** A number option's range under the default limits (the server may be configured otherwise). */
function range(option: NumberOption): { min: number; max: number } {
  return { min: option.min, max: optionMax(option, DEFAULT_RUN_LIMITS) };
}

function numbers(
  items: readonly string[],
  option: NumberOption,
  what: string,
): { values: number[] } | { error: string } {
  const { min, max } = range(option);
  const pattern = option.kind === 'integer' ? /^\d+$/ : /^\d*\.?\d+$/;
  const bad = items.find((v) => !pattern.test(v) || Number(v) < min || Number(v) > max);
  return bad === undefined
    ? { values: items.map(Number) }
    : {
        error: `${what} must be ${option.kind === 'integer' ? 'whole numbers' : 'numbers'} from ${min} to ${max} (got ${bad}).`,
      };
}

function choices(
  items: readonly string[],
  option: ChoiceOption,
): { values: string[] } | { error: string } {
  const bad = items.find((v) => !(option.values as readonly string[]).includes(v.toLowerCase()));
  return bad === undefined
    ? { values: items.map((v) => optionConstant(v.toLowerCase())) }
    : { error: `Unknown ${option.label} "${bad}" (one of ${option.values.join(', ')}).` };
}

/** The values of a sweep as the API takes them, or the reason they cannot be used. */
export function parseSweep(
  field: SweepField,
  text: string,
): { values: (string | number)[] } | { error: string } {
  const items = commaList(text);
  if (field === 'none') return { values: [] };
  if (items.length < 2 || items.length > MAX_SWEEP)
    return {
      error: `A sweep takes 2 to ${MAX_SWEEP} values, comma separated (got ${items.length}).`,
    };
  if (new Set(items).size !== items.length) return { error: 'The sweep repeats a value.' };
  if (field === 'seed') return numbers(items, runOption('seed', 'integer'), 'Seeds');
  if (field === 'noise') return numbers(items, runOption('noise.level', 'number'), 'Noise levels');
  return choices(items, runOption(field, 'choice'));
}

// The form's sweep: 2 to MAX_SWEEP_CELLS runs that differ in one parameter, created as a sweep of
// one axis (the API takes up to three). Its values are checked against the domain's option table
// (the seed's bounds, the noise level's, the methods and easings there are).
import {
  DEFAULT_RUN_LIMITS,
  MAX_SWEEP_CELLS,
  optionConstant,
  optionMax,
  RUN_OPTIONS,
  type ChoiceOption,
  type NumberOption,
  type RunOption,
} from '@latent-lab/domain';
import { commaList } from '../../lib/format.ts';

/** The most runs one sweep launches (the API's limit). */
export const MAX_SWEEP = MAX_SWEEP_CELLS;

export type SweepField = 'none' | 'seed' | 'noise' | 'method' | 'easing';

/** The fields the form varies; `path` names the option as the API's sweep axis does. */
export const SWEEP_FIELDS: readonly {
  value: SweepField;
  label: string;
  example: string;
  path: string;
}[] = [
  { value: 'none', label: 'Nothing (one run)', example: '', path: '' },
  { value: 'seed', label: 'Seed', example: '', path: 'seed' },
  { value: 'noise', label: 'Noise level', example: '0, 0.2, 0.4', path: 'noise.level' },
  { value: 'method', label: 'Method', example: 'slerp, lerp', path: 'method' },
  {
    value: 'easing',
    label: 'Easing',
    example: 'linear, ease-in-out, smoothstep',
    path: 'easing',
  },
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

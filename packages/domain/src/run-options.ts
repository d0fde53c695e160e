// Every option of a run, described once. The zod schema of run parameters, the GraphQL input and
// output fields, the CLI's flags and help, the dashboard's form fields and the run view's and
// compare's rows are all derived from this table: a new option is one entry here (plus the code
// that acts on it).
import { DEFAULT_FPS, MAX_FPS, MAX_SEED, MIN_FPS, MIN_STEPS, SIDE_MULTIPLE } from './limits.ts';
import type { RunLimits } from './limits.ts';
import {
  EASINGS,
  FIT_MODES,
  INTERPOLATION_METHODS,
  LOOP_MODES,
  NOISE_MODES,
  NOISE_SCHEDULES,
  PRECISIONS,
} from './options.ts';

interface OptionBase {
  /** Where the value sits in RunParams: 'method', or 'noise.level' inside a group. */
  readonly path: string;
  /** The name error messages use ('noise level'). */
  readonly label: string;
  /** One line for the CLI's --help, the form's hint and the GraphQL description. */
  readonly help: string;
  /** The CLI flag, when the CLI spells the option itself (--size sets width and height together). */
  readonly flag?: string;
  /** Whether the run view and compare show it as a row (false: shown some other way). */
  readonly row?: boolean;
}

export interface ChoiceOption extends OptionBase {
  readonly kind: 'choice';
  readonly values: readonly [string, ...string[]];
  readonly default: string;
  /** The GraphQL enum's name; its values are the constant case of the domain's strings. */
  readonly graphqlEnum: string;
}

export interface NumberOption extends OptionBase {
  readonly kind: 'integer' | 'number';
  readonly min: number;
  /** A fixed bound, or the configured limit that bounds it. */
  readonly max: number | keyof RunLimits;
  readonly multipleOf?: number;
  /** Absent: the value is required. */
  readonly default?: number;
  /** The CLI's default where the API requires the value. */
  readonly cliDefault?: number;
}

export interface BooleanOption extends OptionBase {
  readonly kind: 'boolean';
  readonly default: boolean;
}

export type RunOption = ChoiceOption | NumberOption | BooleanOption;

export const RUN_OPTIONS = [
  {
    path: 'steps',
    kind: 'integer',
    label: 'steps',
    help: 'number of frames, endpoints included',
    flag: '-n, --steps <n>',
    min: MIN_STEPS,
    max: 'maxSteps',
    cliDefault: 10,
  },
  {
    path: 'method',
    kind: 'choice',
    label: 'method',
    help: 'the path through the keyframe latents: straight (lerp) or great-circle (slerp) segments, or a smooth curve through all of them (spline: centripetal Catmull-Rom)',
    flag: '--method <method>',
    values: INTERPOLATION_METHODS,
    default: 'lerp',
    graphqlEnum: 'InterpolationMethod',
  },
  {
    path: 'easing',
    kind: 'choice',
    label: 'easing',
    help: 'timing curve of the frames along the path',
    flag: '--easing <curve>',
    values: EASINGS,
    default: 'linear',
    graphqlEnum: 'Easing',
  },
  {
    path: 'spacing',
    kind: 'choice',
    label: 'spacing',
    help: 'uniform: equal steps of the path parameter; arc-length: equal latent distance between consecutive frames',
    flag: '--spacing <spacing>',
    values: ['uniform', 'arc-length'],
    default: 'uniform',
    graphqlEnum: 'Spacing',
  },
  {
    path: 'width',
    kind: 'integer',
    label: 'width',
    help: 'frame width in pixels',
    min: SIDE_MULTIPLE,
    max: 'maxSide',
    multipleOf: SIDE_MULTIPLE,
    default: 512,
    row: false,
  },
  {
    path: 'height',
    kind: 'integer',
    label: 'height',
    help: 'frame height in pixels',
    min: SIDE_MULTIPLE,
    max: 'maxSide',
    multipleOf: SIDE_MULTIPLE,
    default: 512,
    row: false,
  },
  {
    path: 'fit',
    kind: 'choice',
    label: 'fit',
    help: 'how images meet the frame size',
    flag: '--fit <mode>',
    values: FIT_MODES,
    default: 'cover',
    graphqlEnum: 'FitMode',
  },
  {
    path: 'precision',
    kind: 'choice',
    label: 'precision',
    help: 'model arithmetic: auto = the faster of int8 and fp32 on this CPU (measured) for models that pass the int8 quality gate',
    flag: '--precision <precision>',
    values: PRECISIONS,
    default: 'auto',
    graphqlEnum: 'Precision',
  },
  {
    path: 'noise.level',
    kind: 'number',
    label: 'noise level',
    help: 'noise level (0 = clean interpolation)',
    flag: '--noise <level>',
    min: 0,
    max: 'maxNoiseLevel',
    default: 0,
  },
  {
    path: 'noise.mode',
    kind: 'choice',
    label: 'noise mode',
    help: 'absolute: latent units; relative: multiples of the latent std',
    flag: '--noise-mode <mode>',
    values: NOISE_MODES,
    default: 'absolute',
    graphqlEnum: 'NoiseMode',
  },
  {
    path: 'noise.schedule',
    kind: 'choice',
    label: 'noise schedule',
    help: 'noise level across frames',
    flag: '--schedule <schedule>',
    values: NOISE_SCHEDULES,
    default: 'constant',
    graphqlEnum: 'NoiseSchedule',
  },
  {
    path: 'noise.shared',
    kind: 'boolean',
    label: 'noise shared',
    help: 'one noise field for every frame (temporally coherent)',
    flag: '--shared-noise',
    default: false,
  },
  {
    path: 'seed',
    kind: 'integer',
    label: 'seed',
    help: 'noise seed; the same seed gives identical frames (default: random, printed)',
    flag: '--seed <seed>',
    min: 0,
    max: MAX_SEED,
  },
  {
    path: 'animation.fps',
    kind: 'number',
    label: 'fps',
    help: 'animation frames per second',
    flag: '--fps <n>',
    min: MIN_FPS,
    max: MAX_FPS,
    default: DEFAULT_FPS,
  },
  {
    path: 'animation.loop',
    kind: 'choice',
    label: 'loop',
    help: 'loop: from the start again; ping-pong: forwards, then backwards',
    values: LOOP_MODES,
    default: 'loop',
    graphqlEnum: 'LoopMode',
  },
] as const satisfies readonly RunOption[];

/** The options set directly on a run (not inside the noise or animation group). */
export const TOP_LEVEL_OPTIONS: readonly RunOption[] = RUN_OPTIONS.filter(
  (option) => !option.path.includes('.'),
);

/** The options of one group ('noise', 'animation'), keyed by their name inside it. */
export function groupOptions(group: string): readonly RunOption[] {
  return RUN_OPTIONS.filter((option) => option.path.startsWith(`${group}.`));
}

/** The last part of an option's path: its field name in GraphQL and in its group. */
export function optionField(option: RunOption): string {
  return option.path.slice(option.path.lastIndexOf('.') + 1);
}

/** The option's value in a params-shaped object (undefined when absent). */
export function optionValue(params: object, option: RunOption): unknown {
  let value: unknown = params;
  for (const part of option.path.split('.'))
    value = value == null ? undefined : (value as Record<string, unknown>)[part];
  return value;
}

/** Sets the option's value at its path, creating the group object when needed. */
export function setOptionValue(params: Record<string, unknown>, option: RunOption, value: unknown) {
  const parts = option.path.split('.');
  let target = params;
  for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
  target[parts.at(-1)!] = value;
}

/** The upper bound of a number option under the configured limits. */
export function optionMax(option: NumberOption, limits: RunLimits): number {
  return typeof option.max === 'number' ? option.max : limits[option.max];
}

/** A value as the run view and compare show it. */
export function formatOption(option: RunOption, value: unknown): string {
  if (option.kind === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** The rows the run view and compare show for a run's parameters, in table order. */
export function optionRows(params: object): { path: string; label: string; value: string }[] {
  return RUN_OPTIONS.filter((option: RunOption) => option.row !== false).map((option) => ({
    path: option.path,
    label: option.label,
    value: formatOption(option, optionValue(params, option)),
  }));
}

/**
 * Stored parameters with every option the table has gained since they were stored set to its
 * default: a run stored before an option existed reads as if it had asked for the default.
 */
export function withOptionDefaults<T extends object>(params: T): T {
  const copy = structuredClone(params) as Record<string, unknown>;
  for (const option of RUN_OPTIONS as readonly RunOption[]) {
    if (
      'default' in option &&
      option.default !== undefined &&
      optionValue(copy, option) === undefined
    )
      setOptionValue(copy, option, option.default);
  }
  return copy as T;
}

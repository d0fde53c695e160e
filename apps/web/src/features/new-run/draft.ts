// The New run form's state as typed, checked with the domain's schema of a new run (the same one
// the API validates with, under its default limits), and turned into the API's input.
import { DEFAULT_RUN_LIMITS, newRunSchema, optionMax } from '@latent-lab/domain';
import type {
  CreateRunInput,
  CreateSweepInput,
  ImageFieldsFragment,
  LoopMode,
  NoisePresetFieldsFragment,
  RunSetupQuery,
} from '../../gql/graphql.ts';
import { formFieldOf, placeFieldErrors } from '../../lib/errors.ts';
import { commaList } from '../../lib/format.ts';
import { randomSeed } from '../../lib/seed.ts';
import type { NoiseShape } from '../../lib/noise-schedule.ts';
import { type NoiseDraft } from '../../components/noise-fields.tsx';
import { optionLabel } from '../../components/option-select.tsx';
import { CHOICE_OPTIONS, defaultChoices } from '../../components/choice-fields.tsx';
import { parseSweep, runOption, SWEEP_FIELDS, type SweepField } from './sweep.ts';

/** The noise select's value for settings typed in the form rather than a preset. */
export const CUSTOM = 'custom';

export interface Draft {
  name: string;
  tags: string;
  model: string;
  steps: string;
  /** The choice options of the domain's table (method, easing, fit, ...), as GraphQL constants. */
  choices: Record<string, string>;
  width: string;
  height: string;
  noiseChoice: string;
  customNoise: NoiseDraft;
  seed: string;
  fps: string;
  loop: LoopMode;
  sweepField: SweepField;
  sweepValues: string;
}

/** A number option's default in the domain's table (the CLI's where the API requires the value). */
function defaultOf(path: string, kind: 'integer' | 'number' = 'integer'): string {
  const option = runOption(path, kind);
  return String(option.default ?? option.cliDefault);
}

export const INITIAL_DRAFT: Draft = {
  name: '',
  tags: '',
  model: '',
  steps: defaultOf('steps'),
  choices: defaultChoices({ method: 'SLERP' }),
  width: defaultOf('width'),
  height: defaultOf('height'),
  noiseChoice: '',
  customNoise: { level: '0.1', mode: 'ABSOLUTE', schedule: 'CONSTANT', shared: false },
  // Drawn in the browser after hydration, so the server-rendered form and the client agree.
  seed: '',
  fps: defaultOf('animation.fps', 'number'),
  loop: 'LOOP',
  sweepField: 'none',
  sweepValues: '',
};

/** The run a form starts from: its parameters as the RunSetup query reads them. */
export type SetupRun = NonNullable<RunSetupQuery['run']>;

/**
 * The draft of a run's every parameter, seed and name included, to edit into a new run. Its preset
 * stays chosen only while the preset still holds the run's noise; otherwise the noise is typed in.
 */
export function draftOfRun(run: SetupRun, presets: readonly NoisePresetFieldsFragment[]): Draft {
  const { level, mode, schedule, shared } = run.noise;
  const preset = presets.find(
    (p) =>
      p.id === run.presetId &&
      p.level === level &&
      p.mode === mode &&
      p.schedule === schedule &&
      p.shared === shared,
  );
  return {
    ...INITIAL_DRAFT,
    name: run.name,
    tags: run.tags.join(', '),
    model: run.model,
    steps: String(run.steps),
    choices: Object.fromEntries(
      CHOICE_OPTIONS.map((option) => [
        option.path,
        String((run as Record<string, unknown>)[option.path]),
      ]),
    ),
    width: String(run.width),
    height: String(run.height),
    noiseChoice: preset?.id ?? CUSTOM,
    customNoise: { level: String(level), mode, schedule, shared },
    seed: String(run.seed),
    fps: String(run.animation.fps),
    loop: run.animation.loop,
  };
}

/** The sweep's field and example values; seeds are drawn at random. */
export function withSweep(draft: Draft, field: SweepField): Draft {
  const example = SWEEP_FIELDS.find((f) => f.value === field)?.example ?? '';
  const seeds = () => Array.from({ length: 3 }, () => randomSeed()).join(', ');
  return { ...draft, sweepField: field, sweepValues: field === 'seed' ? seeds() : example };
}

/** Whole numbers only; anything else becomes NaN so the field can say so. */
export function parseInteger(text: string): number {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** A GraphQL constant as the domain spells it (EASE_IN -> ease-in). */
const domainValue = optionLabel;

/** What a field says when its text is not a number at all, before any range applies. */
const NOT_A_NUMBER: Record<string, string> = {
  steps: 'Steps must be a whole number.',
  size: 'Width and height must be whole numbers of pixels.',
  seed: 'Seed must be a whole number.',
  animation: 'Frames per second must be a number.',
  noise: 'Noise level must be a number (0 for none).',
};

/** Problems said in the form's terms (pick images, pick a model) rather than the schema's. */
const FORM_WORDING: Record<string, string> = {
  images: 'Add at least 2 images: a run interpolates between keyframes.',
  model: 'Choose a model whose weights are available.',
};

const sentence = (message: string) => `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;

/** Width and height share one field and one message: the table's bounds and the sides outside them. */
function sizeMessage(sides: readonly number[]): string {
  const side = runOption('width', 'integer');
  const max = optionMax(side, DEFAULT_RUN_LIMITS);
  return `Width and height must be multiples of ${side.multipleOf} from ${side.min} to ${max} (got ${sides.join(', ')}).`;
}

const schema = newRunSchema(DEFAULT_RUN_LIMITS);

/**
 * Every problem the form can see before sending, all at once, each for its own field (the API
 * reports only its first); the API still checks everything and its answer lands the same way.
 * `custom`: the noise is typed in the form (a preset is valid as it is).
 */
export function draftErrors(
  draft: Draft,
  imageIds: readonly string[],
  custom: boolean,
): Record<string, string> {
  const steps = parseInteger(draft.steps);
  const width = parseInteger(draft.width);
  const height = parseInteger(draft.height);
  const seed = parseInteger(draft.seed);
  const fps = Number.parseFloat(draft.fps);
  const level = Number.parseFloat(draft.customNoise.level);
  const sweepsSeed = draft.sweepField === 'seed';
  const errors: Record<string, string> = {};
  const notNumbers = {
    steps: Number.isNaN(steps),
    size: Number.isNaN(width) || Number.isNaN(height),
    seed: !sweepsSeed && Number.isNaN(seed),
    animation: !Number.isFinite(fps),
    noise: custom && !Number.isFinite(level),
  };
  for (const [field, bad] of Object.entries(notNumbers))
    if (bad) errors[field] = NOT_A_NUMBER[field]!;

  const { mode, schedule, shared } = draft.customNoise;
  const result = schema.safeParse({
    name: draft.name.trim() || undefined,
    tags: commaList(draft.tags),
    params: {
      model: draft.model,
      keyframes: [...imageIds],
      steps,
      width,
      height,
      seed,
      ...Object.fromEntries(
        CHOICE_OPTIONS.map((option) => [option.path, domainValue(draft.choices[option.path]!)]),
      ),
      ...(custom
        ? { noise: { level, mode: domainValue(mode), schedule: domainValue(schedule), shared } }
        : {}),
      animation: { fps, loop: domainValue(draft.loop) },
    },
  });
  const badSides: number[] = [];
  for (const issue of result.success ? [] : result.error.issues) {
    const path = issue.path
      .map(String)
      .join('.')
      .replace(/^params\./, '');
    const field = formFieldOf(path.replace(/^tags\.\d+$/, 'tags'));
    if (errors[field] !== undefined || (field === 'seed' && sweepsSeed)) continue;
    if (field === 'size') badSides.push(path === 'width' ? width : height);
    else errors[field] = FORM_WORDING[field] ?? sentence(issue.message);
  }
  if (badSides.length > 0) errors['size'] = sizeMessage(badSides);
  const sweep = parseSweep(draft.sweepField, draft.sweepValues);
  if ('error' in sweep) errors['sweep'] = sweep.error;
  return errors;
}

/** The API's input for the form's one run; `presetId` when a preset is chosen, else the noise. */
export function runInput(
  draft: Draft,
  images: readonly ImageFieldsFragment[],
  presetId: string | undefined,
  noise: NoiseShape,
): CreateRunInput {
  const { level, mode, schedule, shared } = noise;
  return {
    name: draft.name.trim() || undefined,
    model: draft.model,
    imageIds: images.map((i) => i.id),
    steps: parseInteger(draft.steps),
    ...(draft.choices as Pick<CreateRunInput, 'method' | 'easing' | 'fit' | 'precision'>),
    width: parseInteger(draft.width),
    height: parseInteger(draft.height),
    seed: parseInteger(draft.seed),
    animation: { fps: Number.parseFloat(draft.fps), loop: draft.loop },
    tags: commaList(draft.tags),
    ...(presetId ? { presetId } : { noise: { level, mode, schedule, shared } }),
  };
}

/**
 * The form's sweep as the API takes it: the form's run as the base, tagged so the runs list finds
 * the runs together, and one axis of the values; named after the images when the form has no name.
 */
export function sweepInput(
  input: CreateRunInput,
  field: SweepField,
  values: readonly (string | number)[],
  images: readonly ImageFieldsFragment[],
): CreateSweepInput {
  const name = input.name ?? images.map((i) => i.originalName.replace(/\.[^.]+$/, '')).join(' to ');
  const tag = `sweep-${field}-${Date.now().toString(36).slice(-5)}`;
  return {
    name,
    base: { ...input, tags: [...(input.tags ?? []), tag] },
    axes: [{ field: SWEEP_FIELDS.find((f) => f.value === field)!.path, values: [...values] }],
  };
}

/** Form fields that show their own message; an API error about any other field is shown above the form. */
const SHOWN_FIELDS = new Set([
  'images',
  'model',
  'steps',
  ...CHOICE_OPTIONS.map((option) => option.path),
  'size',
  'noise',
  'seed',
  'animation',
  'name',
  'tags',
  'sweep',
]);

/** The API's field errors on the form's fields; any other lands on the form. */
export const placeErrors = (errors: Record<string, string>) =>
  placeFieldErrors(errors, SHOWN_FIELDS);

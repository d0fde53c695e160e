import { z } from 'zod';
import {
  DEFAULT_FPS,
  MAX_FPS,
  MAX_RUN_NAME_LENGTH,
  MAX_SEED,
  MAX_NOTES_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MIN_FPS,
  MIN_STEPS,
  SIDE_MULTIPLE,
  type RunLimits,
} from './limits.ts';
import {
  EASINGS,
  FIT_MODES,
  INTERPOLATION_METHODS,
  LOOP_MODES,
  NOISE_MODES,
  NOISE_SCHEDULES,
  PRECISIONS,
} from './options.ts';
import { booleanField, integerIn, numberIn, oneOf, parseWith, text } from './schema-helpers.ts';

/** Most keyframes one run may walk through. */
export const MAX_KEYFRAMES = 32;

function side(field: 'width' | 'height', maxSide: number) {
  return integerIn(field, SIDE_MULTIPLE, maxSide).refine((value) => value % SIDE_MULTIPLE === 0, {
    error: (issue) => `${field} must be a multiple of ${SIDE_MULTIPLE}, got ${String(issue.input)}`,
  });
}

/**
 * The one schema of a run's parameters. Everything that decides a run's frames and downloads is
 * here; the service validates it once when the run is created, and everything downstream (the
 * stored run, the job, the render thread, the engine) trusts it.
 */
export function runParamsSchema(limits: RunLimits) {
  return z.object({
    model: text('model', 64),
    /** Image references in path order: image ids in the API, file paths in the CLI. */
    keyframes: z
      .array(z.string(), { error: 'keyframes must be a list of images' })
      .refine((list) => list.length >= 2 && list.length <= MAX_KEYFRAMES, {
        error: (issue) =>
          `a run needs at least 2 keyframe images (at most ${MAX_KEYFRAMES}), got ${(issue.input as unknown[]).length}`,
      }),
    steps: integerIn('steps', MIN_STEPS, limits.maxSteps),
    method: oneOf('method', INTERPOLATION_METHODS).default('lerp'),
    easing: oneOf('easing', EASINGS).default('linear'),
    width: side('width', limits.maxSide).default(512),
    height: side('height', limits.maxSide).default(512),
    fit: oneOf('fit', FIT_MODES).default('cover'),
    precision: oneOf('precision', PRECISIONS).default('auto'),
    noise: z
      .object({
        level: numberIn('noise level', 0, limits.maxNoiseLevel),
        mode: oneOf('noise mode', NOISE_MODES).default('absolute'),
        schedule: oneOf('noise schedule', NOISE_SCHEDULES).default('constant'),
        shared: booleanField('noise shared').default(false),
      })
      .default({ level: 0, mode: 'absolute', schedule: 'constant', shared: false }),
    seed: integerIn('seed', 0, MAX_SEED),
    animation: z
      .object({
        fps: numberIn('fps', MIN_FPS, MAX_FPS).default(DEFAULT_FPS),
        loop: oneOf('loop', LOOP_MODES).default('loop'),
      })
      .default({ fps: DEFAULT_FPS, loop: 'loop' }),
  });
}

/** One serializable description of a run: what the API stores, the job carries and the engine renders. */
export type RunParams = z.output<ReturnType<typeof runParamsSchema>>;
export type RunParamsInput = z.input<ReturnType<typeof runParamsSchema>>;
export type NoiseParams = RunParams['noise'];
export type AnimationParams = RunParams['animation'];

export function parseRunParams(input: unknown, limits: RunLimits): RunParams {
  return parseWith(runParamsSchema(limits), input, 'run parameters');
}

const tag = text('tag', MAX_TAG_LENGTH);

export const tagsSchema = z
  .array(tag, { error: 'tags must be a list of text' })
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS, {
    error: (issue) =>
      `a run has at most ${MAX_TAGS} tags, got ${(issue.input as unknown[]).length}`,
  });

/** A run to create: its parameters plus what only names and groups it. */
export function newRunSchema(limits: RunLimits) {
  return z.object({
    name: text('name', MAX_RUN_NAME_LENGTH).nullish(),
    tags: tagsSchema.default([]),
    params: runParamsSchema(limits),
  });
}

export type NewRun = z.output<ReturnType<typeof newRunSchema>>;

/** Validates name, tags and parameters together, so every problem is reported at once. */
export function parseNewRun(input: unknown, limits: RunLimits): NewRun {
  return parseWith(newRunSchema(limits), input, 'run', (path) =>
    path.replace(/^params\./, '').replace(/^tags\.\d+$/, 'tags'),
  );
}

/** A run's notes: short Markdown, trimmed; empty clears them. */
export const notesSchema = z
  .string({ error: 'notes must be text' })
  .transform((value) => value.trim())
  .refine((value) => value.length <= MAX_NOTES_LENGTH, {
    error: (issue) =>
      `notes must be at most ${MAX_NOTES_LENGTH} characters, got ${(issue.input as string).trim().length}`,
  });

export function parseNotes(input: unknown): string {
  return parseWith(notesSchema, input, 'notes', () => 'notes');
}

export function parseTags(input: unknown): string[] {
  return parseWith(tagsSchema, input, 'tags', () => 'tags');
}

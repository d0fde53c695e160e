import { z } from 'zod';
import {
  MAX_RUN_NAME_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  type RunLimits,
} from './limits.ts';
import { optionMax, RUN_OPTIONS, type RunOption } from './run-options.ts';
import { booleanField, integerIn, numberIn, oneOf, parseWith, text } from './schema-helpers.ts';

/** Most keyframes one run may walk through. */
export const MAX_KEYFRAMES = 32;

/** The zod schema of one option of the table, with its default when it has one. */
function optionSchema(option: RunOption, limits: RunLimits): z.ZodType {
  switch (option.kind) {
    case 'choice':
      return oneOf(option.label, option.values).default(option.default);
    case 'boolean':
      return booleanField(option.label).default(option.default);
    default: {
      const max = optionMax(option, limits);
      const multiple = option.multipleOf;
      let schema: z.ZodType<number> = (option.kind === 'integer' ? integerIn : numberIn)(
        option.label,
        option.min,
        max,
      );
      if (multiple !== undefined)
        schema = schema.refine((value) => value % multiple === 0, {
          error: (issue) =>
            `${option.label} must be a multiple of ${multiple}, got ${String(issue.input)}`,
        });
      return option.default === undefined ? schema : schema.default(option.default);
    }
  }
}

/** The table's options as zod shapes, groups (noise, animation) as nested objects. */
function optionShapes(limits: RunLimits): Record<string, z.ZodType> {
  const top: Record<string, z.ZodType> = {};
  const groups = new Map<string, Record<string, z.ZodType>>();
  for (const option of RUN_OPTIONS as readonly RunOption[]) {
    const [group, field] = option.path.includes('.')
      ? option.path.split('.')
      : [undefined, option.path];
    if (group === undefined) top[field!] = optionSchema(option, limits);
    else {
      if (!groups.has(group)) groups.set(group, {});
      groups.get(group)![field!] = optionSchema(option, limits);
    }
  }
  // A group left out takes every default of its fields.
  for (const [group, shape] of groups) top[group] = z.object(shape).prefault({});
  return top;
}

/**
 * The one schema of a run's parameters, built from the option table (run-options.ts) plus the
 * model and the keyframes. The service validates it once when the run is created, and everything
 * downstream (the stored run, the job, the render thread, the engine) trusts it.
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
    ...optionShapes(limits),
  }) as unknown as z.ZodType<RunParams, RunParamsInput>;
}

/** A value of an option of the table, typed from its entry. */
type ValueOf<O> = O extends { kind: 'choice'; values: readonly (infer V)[] }
  ? V
  : O extends { kind: 'boolean' }
    ? boolean
    : number;
type Options = (typeof RUN_OPTIONS)[number];
type TopPaths = Extract<
  Options['path'],
  `${string}` & Exclude<Options['path'], `${string}.${string}`>
>;
type Group = Options['path'] extends infer P
  ? P extends `${infer G}.${string}`
    ? G
    : never
  : never;
type Defaulted<O> = O extends { default: unknown } ? true : false;
type GroupOutput<G extends string> = {
  [O in Options as O['path'] extends `${G}.${infer F}` ? F : never]: ValueOf<O>;
};
type GroupInput<G extends string> = {
  [O in Options as O['path'] extends `${G}.${infer F}` ? F : never]?: ValueOf<O>;
};

/** One serializable description of a run: what the API stores, the job carries and the engine renders. */
export type RunParams = {
  model: string;
  keyframes: string[];
} & { [O in Options as O['path'] extends TopPaths ? O['path'] : never]: ValueOf<O> } & {
  [G in Group]: GroupOutput<G>;
};
export type RunParamsInput = {
  model: string;
  keyframes: string[];
} & {
  [
    O in Options as O['path'] extends TopPaths
      ? Defaulted<O> extends true
        ? never
        : O['path']
      : never
  ]: ValueOf<O>;
} & {
  [
    O in Options as O['path'] extends TopPaths
      ? Defaulted<O> extends true
        ? O['path']
        : never
      : never
  ]?: ValueOf<O>;
} & { [G in Group]?: GroupInput<G> };
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

import { z } from 'zod';
import { DomainError, type FieldIssue } from './errors.ts';
import type { RunLimits } from './limits.ts';
import { RUN_METRIC_FIELDS, type RunMetricConstant } from './run-metrics.ts';
import { notesSchema } from './run-params.ts';
import { integerIn, numberIn, oneOf, text } from './schema-helpers.ts';
import { MAX_SWEEP_AXES, MAX_SWEEP_CELLS } from './sweeps.ts';

// Saved reports: a named, annotated snapshot of a view of the dashboard. The view is one of the
// kinds below (a discriminated union on `kind`: a comparison of runs, a sweep's grid); a new kind
// is one more schema in reportViewSchema and one more check of what it names in the report service.

/** The most runs one comparison shows (and one report of a comparison names). */
export const MAX_COMPARED = 4;

/** How a comparison shows its runs: side by side, an A/B wipe, an onion skin, their difference. */
export const COMPARE_VIEW_MODES = ['side', 'wipe', 'onion', 'diff'] as const;
export type CompareMode = (typeof COMPARE_VIEW_MODES)[number];

/** The difference view's amplification factors. */
export const DIFF_GAINS = [1, 2, 4, 8, 16] as const;
export type DiffGain = (typeof DIFF_GAINS)[number];

/** What a comparison opens with when its link or report says nothing else. */
export const DEFAULT_COMPARE_VIEW = {
  frame: 0,
  mode: 'side',
  pair: { a: 0, b: 1 },
  wipe: 0.5,
  opacity: 0.5,
  gain: 4,
} as const satisfies Omit<CompareView, 'kind' | 'runIds'>;

/** The metrics a sweep's plot can show, by the API's constant. */
export const SWEEP_VIEW_METRICS = Object.keys(RUN_METRIC_FIELDS) as [
  RunMetricConstant,
  ...RunMetricConstant[],
];

/** What a sweep's grid opens with when its link or report says nothing else. */
export const DEFAULT_SWEEP_VIEW = {
  tab: 0,
  frame: 0,
  metric: 'MEAN_CHANGE',
  by: 0,
} as const satisfies Omit<SweepView, 'kind' | 'sweepId'>;

export const MAX_REPORT_NAME_LENGTH = 200;
/** Ids are UUIDs (36 characters); anything much longer is no id, and is not echoed back whole. */
const MAX_ID_LENGTH = 64;

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** An id (not checked here against the data), its length bounded before it is echoed in errors. */
function idString(what: string, typeError: string) {
  return z.string({ error: typeError }).max(MAX_ID_LENGTH, {
    error: (issue) =>
      `${what} has at most ${MAX_ID_LENGTH} characters, got ${(issue.input as string).length}`,
  });
}

function compareViewSchema(limits: Pick<RunLimits, 'maxSteps'>) {
  const d = DEFAULT_COMPARE_VIEW;
  const position = (field: string) => integerIn(field, 0, MAX_COMPARED - 1);
  return z
    .strictObject({
      kind: z.literal('compare'),
      runIds: z
        .array(idString('a run id', 'view.runIds must be a list of run ids'), {
          error: 'view.runIds must be a list of run ids',
        })
        .refine((ids) => ids.length >= 2 && ids.length <= MAX_COMPARED, {
          error: (issue) =>
            `view.runIds: a comparison shows 2 to ${MAX_COMPARED} runs, got ${(issue.input as unknown[]).length}`,
        }),
      /** The shared position: one step per frame of the longest run. */
      frame: integerIn('view.frame', 0, limits.maxSteps - 1).default(d.frame),
      mode: oneOf('view.mode', COMPARE_VIEW_MODES).default(d.mode),
      /** The two runs (indexes into runIds) the wipe, onion skin and difference show. */
      pair: z
        .strictObject(
          { a: position('view.pair.a'), b: position('view.pair.b') },
          { error: unknownFields('view.pair') },
        )
        .default({ ...d.pair }),
      /** The share of the width (0..1) left of the wipe's divider, which shows A. */
      wipe: numberIn('view.wipe', 0, 1).default(d.wipe),
      /** The onion skin's opacity of B over A (0..1). */
      opacity: numberIn('view.opacity', 0, 1).default(d.opacity),
      gain: z
        .custom<DiffGain>((value) => DIFF_GAINS.includes(value as DiffGain), {
          error: (issue) =>
            `view.gain must be one of ${DIFF_GAINS.join(', ')}, got ${shown(issue.input)}`,
        })
        .default(d.gain),
    })
    .superRefine((view, context) => {
      view.runIds.forEach((id, i) => {
        if (view.runIds.indexOf(id) !== i)
          context.addIssue({
            code: 'custom',
            path: ['runIds', i],
            message: `view.runIds[${i}]: run ${id} is already compared (at ${view.runIds.indexOf(id)})`,
          });
      });
      for (const side of ['a', 'b'] as const) {
        if (view.pair[side] >= view.runIds.length)
          context.addIssue({
            code: 'custom',
            path: ['pair', side],
            message: `view.pair.${side} must name one of the ${view.runIds.length} runs (0 to ${view.runIds.length - 1}), got ${view.pair[side]}`,
          });
      }
      if (view.pair.a === view.pair.b)
        context.addIssue({
          code: 'custom',
          path: ['pair', 'b'],
          message: `view.pair.b must differ from view.pair.a (both ${view.pair.a})`,
        });
    });
}

/** A comparison as the compare page shows it: the runs, the shared frame, the mode and its settings. */
export interface CompareView {
  kind: 'compare';
  runIds: string[];
  frame: number;
  mode: CompareMode;
  pair: { a: number; b: number };
  wipe: number;
  opacity: number;
  gain: DiffGain;
}

function sweepViewSchema(limits: Pick<RunLimits, 'maxSteps'>) {
  const d = DEFAULT_SWEEP_VIEW;
  return z.strictObject({
    kind: z.literal('sweep'),
    sweepId: idString('view.sweepId', 'view.sweepId must be a sweep id'),
    // The bounds a sweep can have at most; the report service checks them against the sweep.
    tab: integerIn('view.tab', 0, MAX_SWEEP_CELLS - 1).default(d.tab),
    frame: integerIn('view.frame', 0, limits.maxSteps - 1).default(d.frame),
    metric: oneOf('view.metric', SWEEP_VIEW_METRICS).default(d.metric),
    by: integerIn('view.by', 0, MAX_SWEEP_AXES - 1).default(d.by),
  });
}

/**
 * A sweep's grid as the sweep page shows it: the tab (a value of the third axis), the shared
 * frame, and the plot's metric and the axis (index) it is plotted against.
 */
export interface SweepView {
  kind: 'sweep';
  sweepId: string;
  tab: number;
  frame: number;
  metric: RunMetricConstant;
  by: number;
}

/** A saved report: who made it, in which workspace, and the view it restores. */
export interface ReportRecord {
  id: string;
  workspaceId: string;
  /** null once the person who made it is gone. */
  createdById: string | null;
  name: string;
  /** Short Markdown ('' when none). */
  notes: string;
  view: ReportView;
  createdAt: Date;
  updatedAt: Date;
}

/** Every kind of view a report can hold. */
export type ReportView = CompareView | SweepView;

export const REPORT_VIEW_KINDS = [
  'compare',
  'sweep',
] as const satisfies readonly ReportView['kind'][];

/** A strict object's message for fields it does not know; other problems keep their own. */
function unknownFields(what: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `${what} has unknown field(s) ${issue.keys!.join(', ')}`
      : `${what} must be an object`;
}

export function reportViewSchema(limits: Pick<RunLimits, 'maxSteps'>) {
  return z.discriminatedUnion('kind', [compareViewSchema(limits), sweepViewSchema(limits)], {
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input)
        ? `view.kind must be one of ${REPORT_VIEW_KINDS.join(', ')}, got ${shown((issue.input as { kind?: unknown }).kind)}`
        : `view must be an object with a kind (${REPORT_VIEW_KINDS.join(', ')})`,
  }) as unknown as z.ZodType<ReportView>;
}

/** The fields of a report, as created; an update takes any of them. */
export function reportSchema(limits: Pick<RunLimits, 'maxSteps'>) {
  return z.object({
    name: text('name', MAX_REPORT_NAME_LENGTH),
    notes: notesSchema.default(''),
    view: reportViewSchema(limits),
  });
}

export type ReportParams = z.output<ReturnType<typeof reportSchema>>;

/** 'view.runIds.1' as a person (and the API's field) writes it: 'view.runIds[1]'. */
function fieldOf(path: PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
    )
    .join('');
}

/**
 * Runs a report schema; every problem becomes one FieldIssue of a single DomainError, a field of
 * the view named by its path (`view.pair.b`, `view.runIds[2]`); unknown fields of the view name
 * the view.
 */
function parseReportWith<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => {
    const message =
      issue.code === 'unrecognized_keys' && issue.path.length === 1 && issue.path[0] === 'view'
        ? `view has unknown field(s) ${issue.keys.join(', ')}`
        : issue.message;
    return { field: fieldOf(issue.path) || 'input', message };
  });
  const message =
    issues.length === 1 ? issues[0]!.message : `report: ${issues.map((i) => i.message).join('; ')}`;
  throw new DomainError('invalid', 'INVALID_INPUT', message, { issues });
}

export function parseReport(input: unknown, limits: Pick<RunLimits, 'maxSteps'>): ReportParams {
  return parseReportWith(reportSchema(limits), input);
}

/** A partial update: omitted fields keep their stored values. */
export function parseReportUpdate(
  input: unknown,
  limits: Pick<RunLimits, 'maxSteps'>,
): Partial<ReportParams> {
  // Notes without their default: an omitted field keeps the stored notes.
  const { name, view } = reportSchema(limits).shape;
  return parseReportWith(
    z.object({ name: name.optional(), notes: notesSchema.optional(), view: view.optional() }),
    input,
  );
}

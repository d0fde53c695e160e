// A sweep: one base run and up to MAX_SWEEP_AXES axes, each an option of the table with a list of
// values; its cells are every combination of one value per axis, first axis slowest. The whole
// sweep is validated here at once, before anything is stored or queued.
import { DomainError, type FieldIssue } from './errors.ts';
import { MAX_RUN_NAME_LENGTH, type RunLimits } from './limits.ts';
import { RUN_OPTIONS, setOptionValue, type RunOption } from './run-options.ts';
import { newRunSchema, type NewRun } from './run-params.ts';
import { parseWith, text } from './schema-helpers.ts';

export const MAX_SWEEP_AXES = 3;
export const MAX_SWEEP_CELLS = 64;

/** One axis: an option's path ('noise.level', 'method') and the values it takes, in order. */
export interface SweepAxis {
  field: string;
  values: unknown[];
}

/** The fields an axis may name: every option of the run table. */
export const SWEEP_FIELDS: readonly string[] = (RUN_OPTIONS as readonly RunOption[]).map(
  (option) => option.path,
);

export function sweepOption(field: string): RunOption | undefined {
  return (RUN_OPTIONS as readonly RunOption[]).find((option) => option.path === field);
}

/** Every cell's coordinates (the index of its value on each axis), first axis slowest. */
export function sweepCoordinates(axes: readonly { values: readonly unknown[] }[]): number[][] {
  return axes.reduce<number[][]>(
    (cells, axis) => cells.flatMap((cell) => axis.values.map((_, index) => [...cell, index])),
    [[]],
  );
}

/** What is wrong with the axes themselves (count, fields, sizes), before any value is checked. */
function axesIssues(axes: readonly SweepAxis[]): FieldIssue[] {
  if (axes.length < 1 || axes.length > MAX_SWEEP_AXES)
    return [
      {
        field: 'axes',
        message: `axes: a sweep has 1 to ${MAX_SWEEP_AXES} axes, got ${axes.length}`,
      },
    ];
  const issues: FieldIssue[] = [];
  axes.forEach((axis, index) => {
    const field = `axes[${index}].field`;
    if (!sweepOption(axis.field))
      issues.push({
        field,
        message: `${field}: unknown option ${JSON.stringify(axis.field)}; one of ${SWEEP_FIELDS.join(', ')}`,
      });
    const first = axes.findIndex((other) => other.field === axis.field);
    if (first < index)
      issues.push({ field, message: `${field}: ${axis.field} is already axis ${first}` });
    if (axis.values.length === 0)
      issues.push({
        field: `axes[${index}].values`,
        message: `axes[${index}].values: an axis needs at least one value`,
      });
    // A repeated value would render the same run twice and make two cells of the grid one.
    const seen = axis.values.map((value) => JSON.stringify(value));
    seen.forEach((value, valueIndex) => {
      const firstIndex = seen.indexOf(value);
      if (firstIndex < valueIndex) {
        const valueField = `axes[${index}].values[${valueIndex}]`;
        issues.push({
          field: valueField,
          message: `${valueField}: ${value} is already value ${firstIndex} of this axis`,
        });
      }
    });
  });
  const cells = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (cells > MAX_SWEEP_CELLS)
    issues.push({
      field: 'axes',
      message: `axes: a sweep has at most ${MAX_SWEEP_CELLS} runs, these axes make ${cells}`,
    });
  return issues;
}

export interface SweepCellRun {
  coordinates: number[];
  run: NewRun;
}

export interface ParsedSweep {
  name: string;
  axes: SweepAxis[];
  /** In cell order (first axis slowest), each with its run validated as createRun would. */
  cells: SweepCellRun[];
}

/** The default name: the axes' fields, 'sweep of method × noise.level'. */
function defaultName(axes: readonly SweepAxis[]): string {
  return `sweep of ${axes.map((axis) => axis.field).join(' × ')}`;
}

/** A cell's value as its run's name shows it. */
function shownValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Validates a sweep as a whole: the axes, then every cell's run (the base with the cell's values
 * set) by the same schema as a single run. Every problem is reported at once: a bad value as
 * `axes[i].values[j]`, a bad field of the base as `base.<field>`. Throws INVALID_INPUT; nothing partial.
 */
export function parseSweep(
  input: { name?: string | null; base: { name?: string | null; tags?: unknown; params: object } },
  axes: readonly SweepAxis[],
  limits: RunLimits,
): ParsedSweep {
  const shapeIssues = axesIssues(axes);
  if (shapeIssues.length > 0) throw sweepError(shapeIssues);
  const rawName = input.name ?? input.base.name;
  const name =
    rawName == null
      ? defaultName(axes)
      : parseWith(text('name', MAX_RUN_NAME_LENGTH), rawName, 'sweep', () => 'name');
  const schema = newRunSchema(limits);
  const issues = new Map<string, FieldIssue>();
  const cells: SweepCellRun[] = [];
  for (const coordinates of sweepCoordinates(axes)) {
    const params = structuredClone(input.base.params) as Record<string, unknown>;
    coordinates.forEach((valueIndex, axisIndex) => {
      const axis = axes[axisIndex]!;
      setOptionValue(params, sweepOption(axis.field)!, axis.values[valueIndex]);
    });
    const label = axes
      .map(
        (axis, axisIndex) =>
          `${sweepOption(axis.field)!.label} ${shownValue(axis.values[coordinates[axisIndex]!])}`,
      )
      .join(' · ');
    const result = schema.safeParse({
      name: `${name} · ${label}`.slice(0, MAX_RUN_NAME_LENGTH),
      tags: input.base.tags ?? [],
      params,
    });
    if (result.success) {
      cells.push({ coordinates, run: result.data });
      continue;
    }
    for (const issue of result.error.issues) {
      const path = issue.path
        .map(String)
        .join('.')
        .replace(/^params\./, '')
        .replace(/^tags\.\d+$/, 'tags');
      const axisIndex = axes.findIndex((axis) => axis.field === path);
      const field =
        axisIndex < 0
          ? `base${path ? `.${path}` : ''}`
          : `axes[${axisIndex}].values[${coordinates[axisIndex]}]`;
      const message = `${field}: ${issue.message}`;
      issues.set(`${field}\n${message}`, { field, message });
    }
  }
  if (issues.size > 0) throw sweepError([...issues.values()]);
  return { name, axes: axes.map(({ field, values }) => ({ field, values: [...values] })), cells };
}

function sweepError(issues: FieldIssue[]): DomainError {
  const message =
    issues.length === 1
      ? issues[0]!.message
      : `sweep: ${issues.map((issue) => issue.message).join('; ')}`;
  return new DomainError('invalid', 'INVALID_INPUT', message, { issues });
}

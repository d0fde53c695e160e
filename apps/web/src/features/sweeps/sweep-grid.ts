// Pure helpers of the sweep page: where each cell sits in the grid (rows, columns, tabs), how axis
// values read, the page's URL state, and the series of the metric-against-axis plot.
import {
  DEFAULT_SWEEP_VIEW,
  SWEEP_VIEW_METRICS,
  sweepOption,
  type SweepView,
} from '@latent-lab/domain';
import { createParser, createSerializer, parseAsStringLiteral } from 'nuqs';

export interface GridAxis {
  readonly field: string;
  readonly values: readonly unknown[];
}

/** The axis's name as people read it ('noise level'). */
export function axisLabel(axis: GridAxis): string {
  return sweepOption(axis.field)?.label ?? axis.field;
}

/** A value as people read it: enum constants in the domain's spelling (EASE_IN -> ease-in). */
export function valueLabel(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase().replaceAll('_', '-') : String(value);
}

/** The index in the cell list (first axis slowest) of the cell at these coordinates. */
export function cellIndex(axes: readonly GridAxis[], coordinates: readonly number[]): number {
  return axes.reduce((index, axis, i) => index * axis.values.length + coordinates[i]!, 0);
}

/**
 * The grid of one tab as rows of cell indexes: one axis is a single row of columns; two or three
 * axes are rows by the first and columns by the second, a third axis picks the tab.
 */
export function gridRows(axes: readonly GridAxis[], tab: number): number[][] {
  if (axes.length === 1) return [axes[0]!.values.map((_, column) => column)];
  const rest = axes.length === 3 ? [tab] : [];
  return axes[0]!.values.map((_, row) =>
    axes[1]!.values.map((_, column) => cellIndex(axes, [row, column, ...rest])),
  );
}

/** What names a cell within its tab: each value of the row and column axes. */
export function cellLabel(axes: readonly GridAxis[], coordinates: readonly number[]): string {
  return axes
    .slice(0, 2)
    .map((axis, i) => `${axisLabel(axis)} ${valueLabel(axis.values[coordinates[i]!])}`)
    .join(', ');
}

/** A whole number of 0 or more; anything else in the URL reads as absent. */
const parseAsPosition = createParser({
  parse: (value) => (/^\d+$/.test(value) ? Number(value) : null),
  serialize: String,
});

/**
 * The sweep page's URL: the tab (a value of the third axis), the shared frame, and the plot's
 * metric and axis, as a report's sweep view names them. Defaults are left out.
 */
export const sweepParams = {
  tab: parseAsPosition.withDefault(DEFAULT_SWEEP_VIEW.tab),
  frame: parseAsPosition.withDefault(DEFAULT_SWEEP_VIEW.frame),
  metric: parseAsStringLiteral(SWEEP_VIEW_METRICS).withDefault(DEFAULT_SWEEP_VIEW.metric),
  by: parseAsPosition.withDefault(DEFAULT_SWEEP_VIEW.by),
};

const sweepUrl = createSerializer(sweepParams);

/** The link that reopens this view of a sweep. */
export const sweepLink = (view: SweepView): string =>
  sweepUrl(`/sweeps/${view.sweepId}`, {
    tab: view.tab,
    frame: view.frame,
    metric: view.metric,
    by: view.by,
  });

export interface MetricSeries {
  readonly label: string;
  /** One per value of the plotted axis; null where the cell has no metrics (yet). */
  readonly values: (number | null)[];
}

/**
 * One metric against one axis: x is that axis's values, one series per combination of the other
 * axes' values. `metricOf` is the metric of the cell at an index of the cell list.
 */
export function metricSeries(
  axes: readonly GridAxis[],
  by: number,
  metricOf: (cell: number) => number | null,
): MetricSeries[] {
  const others = axes.flatMap((axis, i) => (i === by ? [] : [i]));
  const combinations = others.reduce<number[][]>(
    (combos, i) => combos.flatMap((combo) => axes[i]!.values.map((_, v) => [...combo, v])),
    [[]],
  );
  return combinations.map((combo) => {
    const coordinatesAt = (x: number) => {
      const coordinates = new Array<number>(axes.length);
      coordinates[by] = x;
      others.forEach((axisIndex, k) => (coordinates[axisIndex] = combo[k]!));
      return coordinates;
    };
    return {
      label:
        others
          .map((i, k) => `${axisLabel(axes[i]!)} ${valueLabel(axes[i]!.values[combo[k]!])}`)
          .join(', ') || 'all runs',
      values: axes[by]!.values.map((_, x) => metricOf(cellIndex(axes, coordinatesAt(x)))),
    };
  });
}

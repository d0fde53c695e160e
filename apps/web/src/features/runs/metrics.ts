import type { RunMetric, RunRowFieldsFragment } from '../../gql/graphql.ts';

// The quality figures the server measures once a run succeeds (formulas: packages/engine/README.md),
// with how the dashboard labels, formats and ranks them. Shared by the run page, compare and the
// history's metric sorts.

/** A succeeded run's metrics as the history's rows carry them. */
export type RunMetricValues = NonNullable<RunRowFieldsFragment['metrics']>;

/** A scalar metric: one the history can sort and filter by. */
export interface MetricDefinition {
  readonly metric: RunMetric;
  /** Its field on RunMetrics. */
  readonly key: Exclude<keyof RunMetricValues, 'endpointPsnr' | '__typename'>;
  readonly label: string;
  readonly hint?: string;
  /** Which end is better, where one clearly is (compare marks the best run of the row). */
  readonly better?: 'low' | 'high';
  readonly format: (value: number) => string;
}

/** Changes are fractions of the full pixel range (0..1): four decimals keep small ones apart. */
const asChange = (value: number) => value.toFixed(4);
export const formatPsnr = (value: number) => `${value.toFixed(1)} dB`;

export const METRICS: readonly MetricDefinition[] = [
  { metric: 'MEAN_CHANGE', key: 'meanChange', label: 'Mean change', format: asChange },
  { metric: 'MAX_CHANGE', key: 'maxChange', label: 'Max change', better: 'low', format: asChange },
  {
    metric: 'CHANGE_CV',
    key: 'changeCv',
    label: 'Change CV',
    hint: 'low is an even pace',
    better: 'low',
    format: (value) => value.toFixed(3),
  },
  {
    metric: 'PATH_LENGTH',
    key: 'pathLength',
    label: 'Path length',
    format: (value) => value.toFixed(2),
  },
  {
    metric: 'MIN_ENDPOINT_PSNR',
    key: 'minEndpointPsnr',
    label: 'Min endpoint PSNR',
    better: 'high',
    format: formatPsnr,
  },
];

export function metricDefinition(metric: RunMetric): MetricDefinition {
  return METRICS.find((definition) => definition.metric === metric)!;
}

/** The run's value of this metric, formatted; a dash while it has none. */
export function formatMetric(
  definition: MetricDefinition,
  metrics: RunMetricValues | null | undefined,
): string {
  return metrics ? definition.format(metrics[definition.key]) : '—';
}

/** Indexes of the best values (ties included), or none when the metric has no better end. */
export function bestIndexes(
  definition: MetricDefinition,
  values: readonly (number | undefined)[],
): Set<number> {
  const present = values.filter((value): value is number => value !== undefined);
  if (!definition.better || present.length < 2) return new Set();
  const best = definition.better === 'low' ? Math.min(...present) : Math.max(...present);
  return new Set(values.flatMap((value, i) => (value === best ? [i] : [])));
}

'use client';
import { useState } from 'react';
import { describeNoise, formatDateTime, formatDuration } from '../../lib/format.ts';
import { ScrollRegion } from '../../components/bits.tsx';
import { CHOICE_OPTIONS, choiceLabel, choiceValue } from '../../components/choice-fields.tsx';
import { LineChart, SERIES_COLORS } from '../../components/line-chart.tsx';
import { bestIndexes, formatMetric, formatPsnr, METRICS } from '../runs/metrics.ts';
import type { CompareRun, ShownRun } from './use-compare-runs.ts';

const PARAMETERS: readonly { label: string; value: (run: CompareRun) => string }[] = [
  { label: 'Status', value: (r) => r.status.toLowerCase() },
  { label: 'Model', value: (r) => r.model },
  { label: 'Keyframes', value: (r) => r.keyframes.map((k) => k.originalName).join(' → ') },
  { label: 'Steps', value: (r) => String(r.steps) },
  // One row per choice option of the domain's table (method, easing, fit, ...).
  ...CHOICE_OPTIONS.map((option) => ({
    label: choiceLabel(option),
    value: (r: CompareRun) => choiceValue(option, r),
  })),
  { label: 'Size', value: (r) => `${r.width}×${r.height}` },
  { label: 'Noise', value: (r) => describeNoise(r.noise) },
  { label: 'Seed', value: (r) => String(r.seed) },
  { label: 'Tags', value: (r) => r.tags.join(', ') || '—' },
  { label: 'Created by', value: (r) => r.createdBy?.name ?? '—' },
  { label: 'Created', value: (r) => formatDateTime(r.createdAt) },
  { label: 'Total time', value: (r) => formatDuration(r.totalMs) },
];

interface Row {
  label: string;
  values: string[];
  differs: boolean;
  /** The columns holding the row's best value (metrics with a better end only). */
  best: ReadonlySet<number>;
}

function tableRow(label: string, values: string[], best: ReadonlySet<number> = new Set()): Row {
  return { label, values, differs: new Set(values).size > 1, best };
}

/** The quality metrics of each run (a dash until it succeeds), after its parameters. */
function metricRows(runs: readonly CompareRun[]): Row[] {
  return [
    ...METRICS.map((definition) =>
      tableRow(
        definition.label,
        runs.map((r) => formatMetric(definition, r.metrics)),
        bestIndexes(
          definition,
          runs.map((r) => r.metrics?.[definition.key]),
        ),
      ),
    ),
    tableRow(
      'Endpoint PSNR',
      runs.map((r) => r.metrics?.endpointPsnr.map(formatPsnr).join(' · ') ?? '—'),
    ),
  ];
}

/** The compared runs' parameters and metrics side by side, the differing rows and best values marked. */
export function ParameterTable({ shown }: { shown: readonly ShownRun[] }) {
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const runs = shown.map((s) => s.run);
  const rows = [
    ...PARAMETERS.map((p) => tableRow(p.label, runs.map(p.value))),
    ...metricRows(runs),
  ];
  return (
    <div className="panel" style={{ marginTop: '1rem' }}>
      <div className="row">
        <h2 style={{ margin: 0 }}>Parameters</h2>
        <span className="spacer" />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onlyDiffs}
            onChange={(e) => setOnlyDiffs(e.target.checked)}
          />
          Only differences
        </label>
      </div>
      <ScrollRegion className="table-scroll-x" label="Parameter table">
        <table aria-label="Parameter differences">
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              {shown.map(({ run }) => (
                <th scope="col" key={run.id}>
                  {run.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((row) => !onlyDiffs || row.differs)
              .map((row) => (
                <tr
                  key={row.label}
                  className={row.differs ? 'differs' : undefined}
                  data-differs={row.differs}
                >
                  <th scope="row">{row.label}</th>
                  {row.values.map((value, i) => (
                    <td
                      key={i}
                      className={row.best.has(i) ? 'best' : undefined}
                      data-best={row.best.has(i) || undefined}
                    >
                      {value}
                      {row.best.has(i) ? <span className="visually-hidden"> (best)</span> : null}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </ScrollRegion>
    </div>
  );
}

/** Each run's frame-to-frame change as one line of a shared plot. */
export function ChangeChart({ shown }: { shown: readonly ShownRun[] }) {
  return (
    <div className="panel">
      <h2 style={{ marginTop: 0 }}>Frame-to-frame change</h2>
      <p className="field-hint">
        Mean absolute pixel change from each frame to the next, measured when the frame was
        rendered. A smooth transition is a low, even line; spikes are jumps.
      </p>
      <div style={{ maxWidth: 640 }}>
        <LineChart
          title="Frame-to-frame change per run"
          xLabel="position along the run"
          yFormat={(v) => `${(v * 100).toFixed(0)}%`}
          series={shown.map(({ run, frames }, i) => ({
            label: run.name,
            color: SERIES_COLORS[i % SERIES_COLORS.length]!,
            values: [...frames.values()]
              .sort((x, y) => x.index - y.index)
              .flatMap((f) => (typeof f.change === 'number' ? [f.change] : [])),
          }))}
        />
      </div>
    </div>
  );
}

'use client';
import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { useQuery } from 'urql';
import { DEFAULT_FPS, type SweepView } from '@latent-lab/domain';
import { SweepDocument, type RunMetric } from '../../gql/graphql.ts';
import { ErrorMessage, FrameBox, StatusBadge } from '../../components/bits.tsx';
import { usePlayback, usePlaybackKeys } from '../../components/player/use-playback.ts';
import { LineChart, SERIES_COLORS } from '../../components/line-chart.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { alphaOfPosition, compareHref, MAX_COMPARED, nearestIndex } from '../compare/compare.ts';
import { SharedScrubber } from '../compare/shared-scrubber.tsx';
import { ACTIVE, useCompareRuns, type ShownRun } from '../compare/use-compare-runs.ts';
import { formatMetric, METRICS } from '../runs/metrics.ts';
import {
  axisLabel,
  cellLabel,
  gridRows,
  metricSeries,
  valueLabel,
  type GridAxis,
} from './sweep-grid.ts';

/** The tab and the plot's metric and axis: the view's state besides the shared frame. */
type GridState = Pick<SweepView, 'tab' | 'metric' | 'by'>;

/**
 * One sweep as a grid, opened at `initial` (a sweep link's or a report's view): rows and columns
 * by its first two axes, a third as tabs; every cell a live player on one shared scrubber that
 * fills in as its run renders, with the run's metrics once it succeeds, and a plot of one metric
 * against one axis. `onViewChange` hears the whole view whenever it settles (not while playing,
 * nor before the runs are known); `heading` renders above it with the sweep's name and the view as
 * it is now. Another sweep needs a new instance: give it a key.
 */
export function SweepPlayer({
  initial,
  onViewChange,
  heading,
}: {
  initial: SweepView;
  onViewChange?: (view: SweepView) => void;
  heading: (name: string, view: SweepView) => ReactNode;
}) {
  const { sweepId } = initial;
  const [{ data, error, fetching }] = useQuery({
    query: SweepDocument,
    variables: { id: sweepId },
    requestPolicy: 'cache-and-network',
  });
  const sweep = data?.sweep;
  const cells = sweep?.cells ?? [];
  const ids = cells.flatMap((cell) => (cell.run ? [cell.run.id] : []));
  const loaded = useCompareRuns(ids);
  const [state, setState] = useState<GridState>(() => ({
    tab: initial.tab,
    metric: initial.metric,
    by: initial.by,
  }));
  const change = (to: Partial<GridState>) => setState((current) => ({ ...current, ...to }));
  const [position, setPosition] = useState(initial.frame);

  const byId = new Map(loaded.shown.map((shown) => [shown.run.id, shown]));
  const shownOf = (cell: number): ShownRun | undefined => {
    const runId = cells[cell]?.run?.id;
    return runId ? byId.get(runId) : undefined;
  };
  const positions = Math.max(2, ...loaded.shown.map((s) => s.run.steps));
  const last = positions - 1;
  const at = Math.min(position, last);
  const playback = usePlayback(positions, at, setPosition, DEFAULT_FPS);
  const { playing, setPlaying } = playback;
  const move = useCallback(
    (to: number) => {
      setPlaying(false);
      setPosition(Math.min(last, Math.max(0, to)));
    },
    [last, setPlaying],
  );
  usePlaybackKeys(playback, at, move);

  // A view asked for beyond this sweep (an edited link) shows, and is kept as, its nearest.
  const axes: GridAxis[] = sweep?.axes ?? [];
  const tabAxis = axes[2];
  const tab = tabAxis ? Math.min(state.tab, tabAxis.values.length - 1) : 0;
  const by = Math.min(state.by, Math.max(0, axes.length - 1));
  const { metric } = state;
  const ready = sweep != null && loaded.runs !== null;
  useEffect(() => {
    if (playing || !ready) return;
    onViewChange?.({ kind: 'sweep', sweepId, tab, frame: at, metric, by });
  }, [playing, ready, sweepId, tab, at, metric, by, onViewChange]);

  if (error) return <ErrorMessage message={describeError(error)} />;
  if (!sweep) return <p className="muted">{fetching ? 'Loading the sweep…' : 'No such sweep.'}</p>;

  const current: SweepView = { kind: 'sweep', sweepId, tab, frame: at, metric, by };
  const rows = gridRows(axes, tab);
  const columnAxis = axes.length === 1 ? axes[0]! : axes[1]!;
  const rowAxis = axes.length === 1 ? undefined : axes[0]!;
  const target = alphaOfPosition(at, positions);
  const tabRuns = rows.flat().flatMap((cell) => {
    const runId = cells[cell]?.run?.id;
    return runId ? [runId] : [];
  });
  // Live: the statuses as the runs' progress reports them, not as the sweep was first read.
  const done = loaded.shown.filter((shown) => shown.run.status === 'SUCCEEDED').length;

  return (
    <>
      {heading(sweep.name, current)}
      <p className="muted" style={{ marginTop: 0 }}>
        <span data-testid="sweep-progress">
          {done} of {cells.length} runs succeeded
        </span>{' '}
        · {axes.map((axis) => `${axisLabel(axis)} (${axis.values.length})`).join(' × ')} · by{' '}
        {sweep.createdBy?.name ?? 'someone no longer here'} · {formatDateTime(sweep.createdAt)}
      </p>
      <ErrorMessage message={loaded.error} />
      <SharedScrubber
        label="Sweep player"
        testId="sweep"
        playback={playback}
        positions={positions}
        at={at}
        move={move}
      >
        {tabRuns.length >= 2 && tabRuns.length <= MAX_COMPARED ? (
          <div className="row" style={{ marginTop: '0.5rem' }}>
            <Link href={compareHref(tabRuns)}>Open these runs in Compare</Link>
          </div>
        ) : null}
      </SharedScrubber>

      {tabAxis ? (
        <div role="tablist" aria-label={axisLabel(tabAxis)} className="row sweep-tabs">
          {tabAxis.values.map((value, i) => (
            <button
              key={i}
              type="button"
              role="tab"
              aria-selected={i === tab}
              onClick={() => change({ tab: i })}
            >
              {axisLabel(tabAxis)} {valueLabel(value)}
            </button>
          ))}
        </div>
      ) : null}

      <div
        className="sweep-grid"
        role={tabAxis ? 'tabpanel' : undefined}
        data-testid="sweep-grid"
        style={{ ['--columns' as string]: columnAxis.values.length }}
      >
        <span aria-hidden />
        {columnAxis.values.map((value, i) => (
          <div key={i} className="sweep-axis-head" data-testid="sweep-column-head">
            {axisLabel(columnAxis)} {valueLabel(value)}
          </div>
        ))}
        {rows.map((row, r) => (
          <div key={r} className="sweep-row" data-testid="sweep-row">
            <div className="sweep-axis-head">
              {rowAxis ? `${axisLabel(rowAxis)} ${valueLabel(rowAxis.values[r])}` : ''}
            </div>
            {row.map((cell) => (
              <SweepCellView
                key={cell}
                label={cellLabel(axes, cells[cell]?.coordinates ?? [])}
                shown={shownOf(cell)}
                status={cells[cell]?.run?.status ?? null}
                target={target}
              />
            ))}
          </div>
        ))}
      </div>

      <MetricPanel
        axes={axes}
        metric={metric}
        by={by}
        onChange={change}
        metricOf={(cell) => {
          const metrics = shownOf(cell)?.run.metrics;
          const key = METRICS.find((m) => m.metric === metric)!.key;
          return metrics ? metrics[key] : null;
        }}
      />
    </>
  );
}

/** One cell: its run's frame nearest the shared position, its status and its metrics. */
function SweepCellView({
  label,
  shown,
  status,
  target,
}: {
  label: string;
  shown: ShownRun | undefined;
  status: string | null;
  target: number;
}) {
  if (!shown)
    return (
      <section className="panel sweep-cell" aria-label={label} data-testid="sweep-cell">
        <span className="muted">{status === null ? `${label}: run deleted` : label}</span>
      </section>
    );
  const { run, frames, alphas } = shown;
  const index = nearestIndex(alphas, target);
  const frame = frames.get(index);
  return (
    <section
      className="panel sweep-cell"
      aria-label={label}
      data-testid="sweep-cell"
      data-status={run.status}
    >
      <div className="compare-head">
        <Link href={`/runs/${run.id}`} title={run.name} data-testid="sweep-cell-link">
          {label}
        </Link>
        <StatusBadge status={run.status} />
        {ACTIVE.has(run.status) ? (
          <span className="muted">
            {frames.size}/{run.steps}
          </span>
        ) : null}
      </div>
      <FrameBox
        src={frame?.thumbnailUrl ?? frame?.url}
        width={run.width}
        height={run.height}
        alt={frame ? `${label}, frame ${frame.index}` : `${label}, frame ${index} not decoded yet`}
        eager
      />
      <dl className="sweep-metrics" data-testid="sweep-metrics">
        {METRICS.map((definition) => (
          <div key={definition.metric}>
            <dt>{definition.label}</dt>
            <dd className="num">{formatMetric(definition, run.metrics)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The plot of one metric against one axis, both chosen here (and kept in the URL). */
function MetricPanel({
  axes,
  metric,
  by,
  onChange,
  metricOf,
}: {
  axes: readonly GridAxis[];
  metric: RunMetric;
  by: number;
  onChange: (change: { metric?: RunMetric; by?: number }) => void;
  metricOf: (cell: number) => number | null;
}) {
  const id = useId();
  const definition = METRICS.find((m) => m.metric === metric)!;
  return (
    <section className="panel" aria-label="Metric plot">
      <h2 style={{ marginTop: 0 }}>Metric by axis</h2>
      <div className="row">
        <label htmlFor={`${id}-metric`}>Metric</label>
        <select
          id={`${id}-metric`}
          value={metric}
          onChange={(e) => onChange({ metric: e.target.value as RunMetric })}
        >
          {METRICS.map((m) => (
            <option key={m.metric} value={m.metric}>
              {m.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-by`}>Against</label>
        <select
          id={`${id}-by`}
          value={by}
          onChange={(e) => onChange({ by: Number(e.target.value) })}
        >
          {axes.map((axis, i) => (
            <option key={axis.field} value={i}>
              {axisLabel(axis)}
            </option>
          ))}
        </select>
      </div>
      <div style={{ maxWidth: 640 }} data-testid="sweep-metric-plot">
        <LineChart
          title={`${definition.label} by ${axisLabel(axes[by]!)}`}
          xLabel={axisLabel(axes[by]!)}
          xTicks={axes[by]!.values.map(valueLabel)}
          // Two significant digits keep the axis label inside the plot's margin.
          yFormat={(value) => String(Number(value.toPrecision(2)))}
          series={metricSeries(axes, by, metricOf).map((series, i) => ({
            ...series,
            color: SERIES_COLORS[i % SERIES_COLORS.length]!,
          }))}
        />
      </div>
    </section>
  );
}

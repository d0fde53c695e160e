'use client';
import { useCallback, useEffect, useId, useState } from 'react';
import Link from 'next/link';
import { useQueryStates } from 'nuqs';
import { useQuery } from 'urql';
import { DEFAULT_FPS } from '@latent-lab/domain';
import { SweepDocument, type RunMetric } from '../../gql/graphql.ts';
import { ErrorMessage, FrameBox, StatusBadge } from '../../components/bits.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { PlaybackControls } from '../../components/player/playback-controls.tsx';
import { usePlayback, usePlaybackKeys } from '../../components/player/use-playback.ts';
import { LineChart, SERIES_COLORS } from '../../components/line-chart.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { alphaOfPosition, compareHref, MAX_COMPARED, nearestIndex } from '../compare/compare.ts';
import { ACTIVE, useCompareRuns, type ShownRun } from '../compare/use-compare-runs.ts';
import { formatMetric, METRICS } from '../runs/metrics.ts';
import {
  axisLabel,
  cellLabel,
  gridRows,
  metricSeries,
  sweepParams,
  sweepUrl,
  valueLabel,
  type GridAxis,
} from './sweep-grid.ts';

/**
 * One sweep as a grid: rows and columns by its first two axes, a third as tabs; every cell a live
 * player on one shared scrubber that fills in as its run renders, with the run's metrics once it
 * succeeds, and a plot of one metric against one axis.
 */
export function SweepView({ sweepId }: { sweepId: string }) {
  const [{ data, error, fetching }] = useQuery({
    query: SweepDocument,
    variables: { id: sweepId },
    requestPolicy: 'cache-and-network',
  });
  const sweep = data?.sweep;
  const cells = sweep?.cells ?? [];
  const ids = cells.flatMap((cell) => (cell.run ? [cell.run.id] : []));
  const loaded = useCompareRuns(ids);
  const [url, setUrl] = useQueryStates(sweepParams, { history: 'replace' });
  const [position, setPosition] = useState(url.frame);

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

  // The frame is in the URL with the tab and plot, so a copied link reopens the same view; not
  // while playing, which would write the history many times a second, nor before the runs load.
  const ready = loaded.runs !== null;
  useEffect(() => {
    if (!playing && ready) void setUrl({ frame: at });
  }, [playing, ready, at, setUrl]);

  if (error) return <ErrorMessage message={describeError(error)} />;
  if (!sweep) return <p className="muted">{fetching ? 'Loading the sweep…' : 'No such sweep.'}</p>;

  const axes: GridAxis[] = sweep.axes;
  const tabAxis = axes[2];
  const tab = tabAxis ? Math.min(url.tab, tabAxis.values.length - 1) : 0;
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
  const link =
    typeof window === 'undefined'
      ? ''
      : `${window.location.origin}${sweepUrl(`/sweeps/${sweep.id}`, { ...url, tab, frame: at })}`;

  return (
    <>
      <div className="page-head">
        <h1>{sweep.name}</h1>
        <span className="muted" data-testid="sweep-progress">
          {done} of {cells.length} runs succeeded
        </span>
      </div>
      <p className="muted" style={{ marginTop: 0 }}>
        {axes.map((axis) => `${axisLabel(axis)} (${axis.values.length})`).join(' × ')} · by{' '}
        {sweep.createdBy?.name ?? 'someone no longer here'} · {formatDateTime(sweep.createdAt)}
      </p>
      <ErrorMessage message={loaded.error} />
      <section className="panel compare-player" aria-label="Sweep player">
        <PlaybackControls
          playback={playback}
          count={positions}
          labels={{
            scrub: 'Position in every run',
            scrubValue: `position ${at} of ${last}`,
            position: `${at}/${last}`,
          }}
          position={at}
          onScrub={move}
          onStep={move}
          testId="sweep"
        />
        <div className="row" style={{ marginTop: '0.5rem' }}>
          <CopyButton text={link} label="Copy link" />
          {tabRuns.length >= 2 && tabRuns.length <= MAX_COMPARED ? (
            <Link href={compareHref(tabRuns)}>Open these runs in Compare</Link>
          ) : null}
        </div>
      </section>

      {tabAxis ? (
        <div role="tablist" aria-label={axisLabel(tabAxis)} className="row sweep-tabs">
          {tabAxis.values.map((value, i) => (
            <button
              key={i}
              type="button"
              role="tab"
              aria-selected={i === tab}
              onClick={() => void setUrl({ tab: i })}
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
        metric={url.metric}
        by={Math.min(url.by, axes.length - 1)}
        onChange={(change) => void setUrl(change)}
        metricOf={(cell) => {
          const metrics = shownOf(cell)?.run.metrics;
          const key = METRICS.find((m) => m.metric === url.metric)!.key;
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

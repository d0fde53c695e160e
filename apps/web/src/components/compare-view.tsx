'use client';
import { useEffect, useId, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useClient } from 'urql';
import { RunQuery } from '../lib/operations.ts';
import type { RunDetailFieldsFragment } from '../gql/graphql.ts';
import { describeError } from '../lib/errors.ts';
import { describeNoise, formatDateTime, formatDuration } from '../lib/format.ts';
import { itemAt } from '../lib/playback.ts';
import { ErrorMessage, FrameBox, StatusBadge } from './bits.tsx';
import { LineChart, SERIES_COLORS } from './line-chart.tsx';
import { MAX_COMPARED } from './runs-view.tsx';

type CompareRun = RunDetailFieldsFragment;

const SCRUB_STEPS = 1000;

const PARAMETERS: readonly { label: string; value: (run: CompareRun) => string }[] = [
  { label: 'Status', value: (r) => r.status.toLowerCase() },
  { label: 'Model', value: (r) => r.model },
  { label: 'Keyframes', value: (r) => r.keyframes.map((k) => k.originalName).join(' → ') },
  { label: 'Steps', value: (r) => String(r.steps) },
  { label: 'Method', value: (r) => r.method.toLowerCase() },
  { label: 'Easing', value: (r) => r.easing.toLowerCase().replaceAll('_', '-') },
  { label: 'Size', value: (r) => `${r.width}×${r.height}` },
  { label: 'Fit', value: (r) => r.fit.toLowerCase() },
  { label: 'Noise', value: (r) => describeNoise(r.noise) },
  { label: 'Seed', value: (r) => String(r.seed) },
  { label: 'Tags', value: (r) => r.tags.join(', ') || '—' },
  { label: 'Created', value: (r) => formatDateTime(r.createdAt) },
  { label: 'Total time', value: (r) => formatDuration(r.totalMs) },
];

function sortedFrames(run: CompareRun) {
  return [...run.frames.nodes].sort((a, b) => a.index - b.index);
}

/** Each frame's change from the one before (frame 0 has none). */
function frameChanges(run: CompareRun): number[] {
  return sortedFrames(run).flatMap((frame) =>
    typeof frame.change === 'number' ? [frame.change] : [],
  );
}

export function CompareView() {
  const id = useId();
  const client = useClient();
  const params = useSearchParams();
  const ids = (params?.get('runs') ?? '').split(',').filter(Boolean).slice(0, MAX_COMPARED);
  const idsKey = ids.join(',');
  const [runs, setRuns] = useState<CompareRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [t, setT] = useState(0);
  const [onlyDiffs, setOnlyDiffs] = useState(false);

  useEffect(() => {
    let stale = false;
    setRuns(null);
    setError(null);
    Promise.all(
      idsKey
        .split(',')
        .filter(Boolean)
        .map((runId) =>
          client.query(RunQuery, { id: runId }, { requestPolicy: 'network-only' }).toPromise(),
        ),
    )
      .then((results) => {
        if (stale) return;
        const failed = results.find((r) => r.error);
        if (failed) return setError(describeError(failed.error));
        const missing = results.findIndex((r) => !r.data?.run);
        if (missing >= 0) return setError(`No run with id ${idsKey.split(',')[missing]}.`);
        setRuns(results.map((r) => r.data!.run!));
      })
      .catch((e: unknown) => !stale && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stale = true;
    };
  }, [client, idsKey]);

  if (ids.length < 2) {
    return (
      <>
        <h1>Compare</h1>
        <p className="alert info">
          Pick 2 to {MAX_COMPARED} runs on the <Link href="/">Runs</Link> page (tick their boxes),
          then choose “Compare”.
        </p>
      </>
    );
  }
  if (error) return <ErrorMessage message={error} />;
  if (!runs) return <p className="muted">Loading {ids.length} runs…</p>;

  const rows = PARAMETERS.map((p) => {
    const values = runs.map(p.value);
    return { label: p.label, values, differs: new Set(values).size > 1 };
  });
  return (
    <>
      <div className="page-head">
        <h1>Compare {runs.length} runs</h1>
      </div>
      <div className="panel">
        <label htmlFor={`${id}-scrub`} style={{ fontWeight: 600 }}>
          Position in every run
        </label>
        <input
          id={`${id}-scrub`}
          data-testid="compare-scrubber"
          type="range"
          min={0}
          max={SCRUB_STEPS}
          value={Math.round(t * SCRUB_STEPS)}
          onChange={(e) => setT(Number(e.target.value) / SCRUB_STEPS)}
          style={{ width: '100%' }}
          aria-valuetext={`${Math.round(t * 100)}% through each run`}
        />
      </div>
      <div className="compare-grid" style={{ ['--columns' as string]: runs.length }}>
        {runs.map((run, i) => {
          const frames = sortedFrames(run);
          const frame = itemAt(frames, t);
          return (
            <section
              key={run.id}
              className="panel"
              aria-label={run.name}
              data-testid="compare-column"
            >
              <div className="row" style={{ marginBottom: '0.4rem' }}>
                <span
                  style={{ width: 10, height: 10, background: SERIES_COLORS[i], borderRadius: 2 }}
                  aria-hidden
                />
                <Link href={`/runs/${run.id}`} style={{ fontWeight: 600 }}>
                  {run.name}
                </Link>
                <StatusBadge status={run.status} />
              </div>
              <FrameBox
                src={frame?.url}
                width={run.width}
                height={run.height}
                alt={frame ? `${run.name}, frame ${frame.index}` : `${run.name} has no frames`}
                eager
              />
              <p
                className="muted mono"
                data-testid="compare-frame-index"
                style={{ margin: '0.3rem 0 0' }}
              >
                {frame ? `frame ${frame.index} of ${frames.length}` : 'no frames'}
              </p>
            </section>
          );
        })}
      </div>

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
        <div style={{ overflowX: 'auto' }}>
          <table aria-label="Parameter differences">
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                {runs.map((run) => (
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
                      <td key={i}>{value}</td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </div>

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
            series={runs.map((run, i) => ({
              label: run.name,
              color: SERIES_COLORS[i % SERIES_COLORS.length]!,
              values: frameChanges(run),
            }))}
          />
        </div>
      </div>
    </>
  );
}

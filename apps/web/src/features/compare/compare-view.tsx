'use client';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useClient } from 'urql';
import { RunProgressSubscription, RunQuery } from '../run-view/documents.ts';
import type { RunDetailFieldsFragment, RunStatus } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { describeNoise, formatDateTime, formatDuration } from '../../lib/format.ts';
import { nextPosition, type PlaybackMode } from '../../components/player/playback.ts';
import {
  alphaOfPosition,
  COMPARE_MODES,
  compareQuery,
  compareStateFromParams,
  framePositions,
  nearestIndex,
  type CompareMode,
} from './compare.ts';
import { ErrorMessage, FrameBox, StatusBadge } from '../../components/bits.tsx';
import { CHOICE_OPTIONS, choiceLabel, choiceValue } from '../../components/choice-fields.tsx';
import { NotesMarkdown } from '../run-view/run-notes.tsx';
import { BlendCanvas, type BlendSettings } from './blend-canvas.tsx';
import { LineChart, SERIES_COLORS } from '../../components/line-chart.tsx';
import { MAX_COMPARED } from '../runs/runs-view.tsx';
import { FINISHED_STATUSES } from '../../lib/options.ts';

type CompareRun = RunDetailFieldsFragment;

interface CompareFrame {
  readonly index: number;
  readonly alpha: number;
  readonly url: string;
  readonly thumbnailUrl: string;
  readonly change: number | null;
}

interface LiveRun {
  readonly frames: ReadonlyMap<number, CompareFrame>;
  readonly status: RunStatus | null;
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING']);
const FINAL = FINISHED_STATUSES;

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

/** Keys the player handles itself, unless the focus is in a control that needs them. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return false;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    // The scrubber moves one frame per arrow key by itself; space on it plays.
    if (type === 'range') return key === ' ';
    return false;
  }
  if (tag === 'BUTTON' || tag === 'A') return key !== ' ' && key !== 'Enter';
  return true;
}

export function CompareView() {
  const id = useId();
  const client = useClient();
  const params = useSearchParams();
  const initial = useMemo(() => compareStateFromParams(params, MAX_COMPARED), [params]);
  const ids = initial.runs;
  const idsKey = ids.join(',');
  const [runs, setRuns] = useState<CompareRun[] | null>(null);
  const [live, setLive] = useState<ReadonlyMap<string, LiveRun>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [position, setPosition] = useState(initial.frame);
  const [mode, setMode] = useState<CompareMode>(initial.mode);
  const [pair, setPair] = useState({ a: initial.a, b: initial.b });
  const [blend, setBlend] = useState({ wipe: 0.5, opacity: 0.5, gain: 4 });
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(8);
  const [playMode, setPlayMode] = useState<PlaybackMode>('loop');
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const direction = useRef<1 | -1>(1);

  // Another set of runs (a link to another comparison): start from that link's view.
  const opened = useRef(idsKey);
  useEffect(() => {
    if (opened.current === idsKey) return;
    opened.current = idsKey;
    setPlaying(false);
    setPosition(initial.frame);
    setMode(initial.mode);
    setPair({ a: initial.a, b: initial.b });
  }, [idsKey, initial]);

  useEffect(() => {
    let stale = false;
    setRuns(null);
    setError(null);
    setLive(new Map());
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

  // A queued or running run fills in as its frames are stored (a late subscriber first gets the
  // frames so far, so nothing stored between the query and the subscription is missed).
  const activeKey = (runs ?? [])
    .filter((run) => ACTIVE.has(run.status))
    .map((run) => run.id)
    .join(',');
  useEffect(() => {
    if (!activeKey) return;
    const subscriptions = activeKey.split(',').map((runId) =>
      client.subscription(RunProgressSubscription, { runId }).subscribe((result) => {
        const event = result.data?.runProgress;
        if (!event) return;
        // A run that ended: its final timings (and stored frames) come from the run itself.
        if (event.kind === 'STATUS' && FINAL.has(event.status))
          void client
            .query(RunQuery, { id: runId }, { requestPolicy: 'network-only' })
            .toPromise()
            .then(({ data }) => {
              const ended = data?.run;
              if (ended)
                setRuns((current) => current?.map((r) => (r.id === runId ? ended : r)) ?? null);
            });
        setLive((current) => {
          const before = current.get(runId);
          const frames = new Map(before?.frames);
          if (event.kind === 'FRAME' && event.index !== null && event.url !== null)
            frames.set(event.index, {
              index: event.index,
              alpha: event.alpha ?? 0,
              url: event.url,
              thumbnailUrl: event.thumbnailUrl ?? event.url,
              change: event.change ?? null,
            });
          const next = new Map(current);
          next.set(runId, { frames, status: event.status });
          return next;
        });
      }),
    );
    return () => subscriptions.forEach((s) => s.unsubscribe());
  }, [client, activeKey]);

  const shown = useMemo(
    () =>
      (runs ?? []).map((run) => {
        const frames = new Map<number, CompareFrame>();
        for (const f of run.frames.nodes) frames.set(f.index, f);
        const update = live.get(run.id);
        for (const f of update?.frames.values() ?? []) frames.set(f.index, f);
        const status = update?.status ?? run.status;
        return { run: { ...run, status }, frames, alphas: framePositions(run.steps, run.easing) };
      }),
    [runs, live],
  );
  const positions = Math.max(2, ...shown.map((s) => s.run.steps));
  const last = positions - 1;
  const at = Math.min(position, last);
  const target = alphaOfPosition(at, positions);

  // The view is in the URL (runs, frame, view, A and B) so a copied link reopens it; not while
  // playing, which would write the history many times a second.
  useEffect(() => {
    if (playing || ids.length < 2) return;
    const query = compareQuery({ runs: ids, frame: at, mode, a: pair.a, b: pair.b });
    if (window.location.search !== `?${query}`)
      window.history.replaceState(window.history.state, '', `?${query}`);
  }, [playing, ids, at, mode, pair]);

  const latest = useRef({ at, positions, playMode });
  latest.current = { at, positions, playMode };
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const { at: from, positions: count, playMode: how } = latest.current;
      const step = nextPosition(from, count, direction.current, how);
      direction.current = step.direction;
      setPosition(step.position);
    }, 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, fps]);

  const move = useCallback(
    (to: number) => {
      setPlaying(false);
      setPosition(Math.min(last, Math.max(0, to)));
    },
    [last],
  );

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || !ownsKey(event.target, event.key))
        return;
      const { at: from } = latest.current;
      if (event.key === ' ') setPlaying((p) => !p);
      else if (event.key === 'ArrowRight' || event.key === 'ArrowUp') move(from + 1);
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowDown') move(from - 1);
      else if (event.key === 'Home') move(0);
      else if (event.key === 'End') move(Number.MAX_SAFE_INTEGER);
      else return;
      event.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move]);

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

  const atRun = shown.map((s) => {
    const index = nearestIndex(s.alphas, target);
    return { ...s, index, frame: s.frames.get(index) };
  });
  const rows = PARAMETERS.map((p) => {
    const values = shown.map((s) => p.value(s.run));
    return { label: p.label, values, differs: new Set(values).size > 1 };
  });
  const a = atRun[pair.a] ?? atRun[0]!;
  const b = atRun[pair.b] ?? atRun[1]!;
  const settings: BlendSettings | null =
    mode === 'side' ? null : { mode, wipe: blend.wipe, opacity: blend.opacity, gain: blend.gain };

  return (
    <>
      <div className="page-head">
        <h1>Compare {runs.length} runs</h1>
      </div>
      <section className="panel compare-player" aria-label="Comparison player">
        <div className="player-controls">
          <button
            type="button"
            onClick={() => setPlaying((p) => !p)}
            aria-pressed={playing}
            data-testid="compare-play"
          >
            {playing ? 'Pause' : 'Play'}
          </button>
          <button type="button" onClick={() => move(at - 1)} aria-label="Previous frame">
            ◀
          </button>
          <label htmlFor={`${id}-scrub`} className="visually-hidden">
            Position in every run
          </label>
          <input
            id={`${id}-scrub`}
            className="scrub"
            data-testid="compare-scrubber"
            type="range"
            min={0}
            max={last}
            step={1}
            value={at}
            onChange={(e) => move(Number(e.target.value))}
            aria-valuetext={`position ${at} of ${last}`}
          />
          <button type="button" onClick={() => move(at + 1)} aria-label="Next frame">
            ▶
          </button>
          <span className="mono" data-testid="compare-position">
            {at}/{last}
          </span>
          <label className="row">
            FPS
            <input
              type="number"
              min={1}
              max={60}
              value={fps}
              style={{ width: '4.5rem' }}
              onChange={(e) => setFps(Math.min(60, Math.max(1, Number(e.target.value) || 1)))}
            />
          </label>
          <label className="row">
            Mode
            <select value={playMode} onChange={(e) => setPlayMode(e.target.value as PlaybackMode)}>
              <option value="loop">Loop</option>
              <option value="ping-pong">Ping-pong</option>
            </select>
          </label>
        </div>
        <p className="field-hint" style={{ margin: '0.3rem 0 0.6rem' }}>
          One step per frame of the longest run; each run shows its frame nearest the same alpha.
          Space plays or pauses, arrow keys move one frame.
        </p>
        <div className="row" role="radiogroup" aria-label="View">
          {COMPARE_MODES.map((m) => (
            <label key={m.value} className="checkbox view-choice">
              <input
                type="radio"
                name={`${id}-view`}
                value={m.value}
                checked={mode === m.value}
                onChange={() => setMode(m.value)}
              />
              {m.label}
            </label>
          ))}
        </div>
        {settings ? (
          <div className="row blend-controls">
            {(['a', 'b'] as const).map((side) => {
              const other = side === 'a' ? 'b' : 'a';
              return (
                <label key={side} className="row">
                  {side.toUpperCase()}
                  <select
                    value={pair[side]}
                    onChange={(e) => {
                      const next = Number(e.target.value);
                      // Picking the other side's run swaps the two.
                      setPair(
                        (p) =>
                          ({
                            [side]: next,
                            [other]: p[other] === next ? p[side] : p[other],
                          }) as { a: number; b: number },
                      );
                    }}
                  >
                    {shown.map((s, i) => (
                      <option key={s.run.id} value={i}>
                        {s.run.name} ({i + 1})
                      </option>
                    ))}
                  </select>
                </label>
              );
            })}
            {mode === 'wipe' ? (
              <label className="row">
                Divider
                <input
                  type="range"
                  min={0}
                  max={100}
                  value={Math.round(blend.wipe * 100)}
                  onChange={(e) => setBlend({ ...blend, wipe: Number(e.target.value) / 100 })}
                  aria-valuetext={`${Math.round(blend.wipe * 100)}% of the width shows A`}
                />
              </label>
            ) : null}
            {mode === 'onion' ? (
              <label className="row">
                Opacity of B
                <input
                  type="range"
                  min={0}
                  max={100}
                  value={Math.round(blend.opacity * 100)}
                  onChange={(e) => setBlend({ ...blend, opacity: Number(e.target.value) / 100 })}
                  aria-valuetext={`${Math.round(blend.opacity * 100)}%`}
                />
              </label>
            ) : null}
            {mode === 'diff' ? (
              <label className="row">
                Amplify
                <select
                  value={blend.gain}
                  onChange={(e) => setBlend({ ...blend, gain: Number(e.target.value) })}
                >
                  {[1, 2, 4, 8, 16].map((g) => (
                    <option key={g} value={g}>
                      ×{g}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
        ) : null}
      </section>

      {settings ? (
        <div className="panel blend-panel">
          <p className="muted mono" style={{ margin: '0 0 0.4rem' }}>
            A: {a.run.name}, frame {a.index} of {a.run.steps} · B: {b.run.name}, frame {b.index} of{' '}
            {b.run.steps}
          </p>
          <BlendCanvas
            aSrc={a.frame?.url}
            bSrc={b.frame?.url}
            width={a.run.width}
            height={a.run.height}
            settings={settings}
            label={`${COMPARE_MODES.find((m) => m.value === mode)?.label}: ${a.run.name} and ${b.run.name}`}
            onWipeChange={(wipe) => setBlend((current) => ({ ...current, wipe }))}
          />
        </div>
      ) : null}

      <div
        className={`compare-grid${settings ? ' overview' : ''}`}
        style={{ ['--columns' as string]: runs.length }}
      >
        {atRun.map(({ run, frame, index, frames }, i) => (
          <section
            key={run.id}
            className="panel"
            aria-label={run.name}
            data-testid="compare-column"
          >
            <div className="compare-head">
              <span
                style={{ width: 10, height: 10, background: SERIES_COLORS[i], borderRadius: 2 }}
                aria-hidden
              />
              <Link href={`/runs/${run.id}`} style={{ fontWeight: 600 }}>
                {run.name}
              </Link>
              <StatusBadge status={run.status} />
              {ACTIVE.has(run.status) ? (
                <span className="muted" data-testid="compare-frames-done">
                  {frames.size}/{run.steps}
                </span>
              ) : null}
            </div>
            <FrameBox
              // The overview under a wipe, onion or difference view shows thumbnails; side by
              // side, the columns are the player and show full frames.
              src={settings ? frame?.thumbnailUrl : frame?.url}
              width={run.width}
              height={run.height}
              alt={
                frame
                  ? `${run.name}, frame ${frame.index}`
                  : `${run.name}, frame ${index} not decoded yet`
              }
              eager
            />
            <p className="muted mono" data-testid="compare-frame-index" style={{ margin: 0 }}>
              {frame
                ? `frame ${index} of ${run.steps}`
                : `frame ${index} of ${run.steps} (not decoded yet)`}
            </p>
            {run.notes ? <NotesMarkdown notes={run.notes} /> : null}
          </section>
        ))}
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
    </>
  );
}

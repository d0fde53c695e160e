'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { useQueryStates } from 'nuqs';
import { DEFAULT_FPS } from '@latent-lab/domain';
import { ErrorMessage } from '../../components/bits.tsx';
import { PlaybackControls } from '../../components/player/playback-controls.tsx';
import { usePlayback, usePlaybackKeys } from '../../components/player/use-playback.ts';
import {
  frameLabel,
  PLAYBACK_KEYS,
  PLAYBACK_KEYS_HINT,
} from '../../components/player/playback.ts';
import { BlendCanvas, type BlendSettings } from './blend-canvas.tsx';
import { CompareColumns } from './compare-columns.tsx';
import { ChangeChart, ParameterTable } from './compare-parameters.tsx';
import {
  alphaOfPosition,
  COMPARE_MODES,
  compareParams,
  comparePair,
  MAX_COMPARED,
  nearestIndex,
} from './compare.ts';
import { useCompareRuns } from './use-compare-runs.ts';
import { ViewControls, type ViewState } from './view-controls.tsx';

export function CompareView() {
  const [url, setUrl] = useQueryStates(compareParams, { history: 'replace' });
  const ids = url.runs.slice(0, MAX_COMPARED);
  const idsKey = ids.join(',');
  const { runs, shown, error } = useCompareRuns(ids);
  const [position, setPosition] = useState(url.frame);
  const [view, setView] = useState<ViewState>(() => ({
    mode: url.view,
    pair: comparePair(url.a, url.b, ids.length),
    blend: { wipe: 0.5, opacity: 0.5, gain: 4 },
  }));
  const { mode, pair, blend } = view;
  const changeView = (change: Partial<ViewState>) =>
    setView((current) => ({ ...current, ...change }));

  const positions = Math.max(2, ...shown.map((s) => s.run.steps));
  const last = positions - 1;
  const at = Math.min(position, last);
  // Runs may differ in their own fps: comparison starts at the default every run starts with.
  const playback = usePlayback(positions, at, setPosition, DEFAULT_FPS);
  const { playing, setPlaying } = playback;

  // Another set of runs (a link to another comparison): start from that link's view.
  const opened = useRef(idsKey);
  useEffect(() => {
    if (opened.current === idsKey) return;
    opened.current = idsKey;
    setPlaying(false);
    setPosition(url.frame);
    setView((current) => ({
      ...current,
      mode: url.view,
      pair: comparePair(url.a, url.b, idsKey.split(',').length),
    }));
  }, [idsKey, url.frame, url.view, url.a, url.b, setPlaying]);

  // The view is in the URL (runs, frame, view, A and B) so a copied link reopens it; not while
  // playing, which would write the history many times a second, nor before the runs are known.
  useEffect(() => {
    if (playing || !runs) return;
    void setUrl({ frame: at, view: mode, a: pair.a, b: pair.b });
  }, [playing, runs, at, mode, pair, setUrl]);

  const move = useCallback(
    (to: number) => {
      setPlaying(false);
      setPosition(Math.min(last, Math.max(0, to)));
    },
    [last, setPlaying],
  );
  usePlaybackKeys(playback, at, move);

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

  const target = alphaOfPosition(at, positions);
  const atRun = shown.map((s) => {
    const index = nearestIndex(s.alphas, target);
    return { ...s, index, frame: s.frames.get(index) };
  });
  const a = atRun[pair.a] ?? atRun[0]!;
  const b = atRun[pair.b] ?? atRun[1]!;
  const settings: BlendSettings | null = mode === 'side' ? null : { mode, ...blend };

  return (
    <>
      <div className="page-head">
        <h1>Compare {runs.length} runs</h1>
      </div>
      <section
        className="panel compare-player"
        aria-label="Comparison player"
        aria-keyshortcuts={PLAYBACK_KEYS}
      >
        <PlaybackControls
          playback={playback}
          count={positions}
          labels={{
            scrub: 'Position in every run',
            scrubValue: frameLabel(at, positions),
            position: frameLabel(at, positions),
          }}
          position={at}
          onScrub={move}
          onStep={move}
          testId="compare"
        />
        <p className="field-hint" style={{ margin: '0.3rem 0 0.6rem' }}>
          One step per frame of the longest run; each run shows its frame nearest the same alpha.{' '}
          {PLAYBACK_KEYS_HINT}
        </p>
        <ViewControls view={view} onViewChange={changeView} shown={shown} />
      </section>

      {settings ? (
        <div className="panel blend-panel">
          <p className="muted mono" style={{ margin: '0 0 0.4rem' }}>
            A: {a.run.name}, {frameLabel(a.index, a.run.steps)} · B: {b.run.name},{' '}
            {frameLabel(b.index, b.run.steps)}
          </p>
          <BlendCanvas
            aSrc={a.frame?.url}
            bSrc={b.frame?.url}
            width={a.run.width}
            height={a.run.height}
            settings={settings}
            label={`${COMPARE_MODES.find((m) => m.value === mode)?.label}: ${a.run.name} and ${b.run.name}`}
            onWipeChange={(wipe) => changeView({ blend: { ...blend, wipe } })}
          />
        </div>
      ) : null}

      <CompareColumns atRun={atRun} overview={settings !== null} />
      <ParameterTable shown={shown} />
      <ChangeChart shown={shown} />
    </>
  );
}

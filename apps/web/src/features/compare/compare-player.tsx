'use client';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { DEFAULT_FPS } from '@latent-lab/domain';
import { ErrorMessage } from '../../components/bits.tsx';
import { usePlayback, usePlaybackKeys } from '../../components/player/use-playback.ts';
import { frameLabel, PLAYBACK_KEYS_HINT } from '../../components/player/playback.ts';
import { BlendCanvas, type BlendSettings } from './blend-canvas.tsx';
import { CompareColumns } from './compare-columns.tsx';
import { SharedScrubber } from './shared-scrubber.tsx';
import { ChangeChart, ParameterTable } from './compare-parameters.tsx';
import {
  alphaOfPosition,
  COMPARE_MODES,
  comparePair,
  nearestIndex,
  type CompareView,
} from './compare.ts';
import { useCompareRuns, type CompareRun } from './use-compare-runs.ts';
import { ViewControls, type ViewState } from './view-controls.tsx';

/**
 * The comparison player of 2 or more runs, opened at `initial` (a compare link's or a report's
 * view). `onViewChange` hears the whole view whenever it settles (not while playing, nor before
 * the runs are known); `heading` renders above the player with the view as it is now. A new
 * initial view (other runs) needs a new instance: give it a key.
 */
export function ComparePlayer({
  initial,
  onViewChange,
  heading,
}: {
  initial: CompareView;
  onViewChange?: (view: CompareView) => void;
  heading: (runs: readonly CompareRun[], view: CompareView) => ReactNode;
}) {
  // The runs are fixed for this instance (a parent's render makes a new array of the same ids).
  const [ids] = useState(initial.runIds);
  const { runs, shown, error } = useCompareRuns(ids);
  const [position, setPosition] = useState(initial.frame);
  const [view, setView] = useState<ViewState>(() => ({
    mode: initial.mode,
    pair: comparePair(initial.pair.a, initial.pair.b, ids.length),
    blend: { wipe: initial.wipe, opacity: initial.opacity, gain: initial.gain },
  }));
  const { mode, pair, blend } = view;
  const changeView = (change: Partial<ViewState>) =>
    setView((current) => ({ ...current, ...change }));

  const positions = Math.max(2, ...shown.map((s) => s.run.steps));
  const last = positions - 1;
  // Until the runs are known, the position is the one asked for.
  const at = runs ? Math.min(position, last) : position;
  // Runs may differ in their own fps: comparison starts at the default every run starts with.
  const playback = usePlayback(positions, at, setPosition, DEFAULT_FPS);
  const { playing, setPlaying } = playback;

  const current: CompareView = {
    kind: 'compare',
    runIds: ids,
    frame: at,
    mode,
    pair,
    ...blend,
  };
  const { wipe, opacity, gain } = blend;
  useEffect(() => {
    if (playing || !runs) return;
    onViewChange?.({ kind: 'compare', runIds: ids, frame: at, mode, pair, wipe, opacity, gain });
  }, [playing, runs, ids, at, mode, pair, wipe, opacity, gain, onViewChange]);

  const move = useCallback(
    (to: number) => {
      setPlaying(false);
      setPosition(Math.min(last, Math.max(0, to)));
    },
    [last, setPlaying],
  );
  usePlaybackKeys(playback, at, move);

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
      {heading(runs, current)}
      <SharedScrubber
        label="Comparison player"
        testId="compare"
        playback={playback}
        positions={positions}
        at={at}
        move={move}
      >
        <p className="field-hint" style={{ margin: '0.3rem 0 0.6rem' }}>
          One step per frame of the longest run; each run shows its frame nearest the same alpha.{' '}
          {PLAYBACK_KEYS_HINT}
        </p>
        <ViewControls view={view} onViewChange={changeView} shown={shown} />
      </SharedScrubber>

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

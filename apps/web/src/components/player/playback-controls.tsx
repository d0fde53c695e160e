'use client';
import { useId } from 'react';
import { MAX_FPS, MIN_FPS } from '@latent-lab/domain';
import type { PlaybackMode } from './playback.ts';
import type { Playback } from './use-playback.ts';

/**
 * The player's controls: play/pause, the scrubber (one step per position), the shown position,
 * frames per second and loop or ping-pong. `testId` names the play button, scrubber and position
 * (`${testId}-play`, ...); `onStep` adds previous and next buttons around the scrubber.
 */
export function PlaybackControls({
  playback,
  count,
  position,
  onScrub,
  onStep,
  labels,
  testId,
}: {
  playback: Playback;
  count: number;
  position: number;
  onScrub: (position: number) => void;
  onStep?: (position: number) => void;
  /** The scrubber's name and spoken value, and the position as shown next to it. */
  labels: { scrub: string; scrubValue: string; position: string };
  testId?: string;
}) {
  const id = useId();
  const { playing, setPlaying, fps, setFps, mode, setMode } = playback;
  const last = Math.max(0, count - 1);
  const testIdOf = (part: string) => (testId ? `${testId}-${part}` : undefined);
  return (
    <div className="player-controls">
      <button
        type="button"
        onClick={() => setPlaying((p) => !p)}
        disabled={count < 2}
        aria-pressed={playing}
        data-testid={testIdOf('play')}
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      {onStep ? (
        <button type="button" onClick={() => onStep(position - 1)} aria-label="Previous frame">
          ◀
        </button>
      ) : null}
      <label htmlFor={`${id}-scrub`} className="visually-hidden">
        {labels.scrub}
      </label>
      <input
        id={`${id}-scrub`}
        className="scrub"
        data-testid={testIdOf('scrubber')}
        type="range"
        min={0}
        max={last}
        step={1}
        value={Math.min(position, last)}
        onChange={(e) => onScrub(Number(e.target.value))}
        disabled={count === 0}
        aria-valuetext={labels.scrubValue}
      />
      {onStep ? (
        <button type="button" onClick={() => onStep(position + 1)} aria-label="Next frame">
          ▶
        </button>
      ) : null}
      <span className="mono" aria-live="off" data-testid={testIdOf('position')}>
        {labels.position}
      </span>
      <label className="row">
        FPS
        <input
          type="number"
          min={MIN_FPS}
          max={MAX_FPS}
          step="any"
          value={fps}
          style={{ width: '4.5rem' }}
          onChange={(e) =>
            setFps(Math.min(MAX_FPS, Math.max(MIN_FPS, Number(e.target.value) || MIN_FPS)))
          }
        />
      </label>
      <label className="row">
        Mode
        <select value={mode} onChange={(e) => setMode(e.target.value as PlaybackMode)}>
          <option value="loop">Loop</option>
          <option value="ping-pong">Ping-pong</option>
        </select>
      </label>
    </div>
  );
}

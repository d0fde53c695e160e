'use client';
import { useCallback } from 'react';
import { FrameBox } from '../bits.tsx';
import { PlaybackControls } from './playback-controls.tsx';
import { frameLabel, PLAYBACK_KEYS, PLAYBACK_KEYS_HINT, type PlaybackMode } from './playback.ts';
import { usePlayback, usePlaybackKeys } from './use-playback.ts';

export interface PlayerFrame {
  readonly index: number;
  readonly url: string;
}

/**
 * Frame player of one run: the frame at the position over the playback controls, and the page's
 * playback keys. The shown position is owned by the caller so a filmstrip can follow it.
 */
export function Player({
  frames,
  total,
  width,
  height,
  position,
  onPositionChange,
  label,
  fps,
  mode,
}: {
  frames: readonly PlayerFrame[];
  /** The run's frame count (its steps), decoded or not. */
  total: number;
  width: number;
  height: number;
  position: number;
  onPositionChange: (position: number) => void;
  label: string;
  /** Where playback starts: the run's own animation settings, as its downloads play. */
  fps: number;
  mode: PlaybackMode;
}) {
  const playback = usePlayback(frames.length, position, onPositionChange, fps, mode);
  const { setPlaying } = playback;
  const last = frames.length - 1;
  const move = useCallback(
    (to: number) => {
      setPlaying(false);
      if (last >= 0) onPositionChange(Math.min(last, Math.max(0, to)));
    },
    [last, onPositionChange, setPlaying],
  );
  usePlaybackKeys(playback, position, move);
  const current = frames[Math.min(position, last)];
  const shown = current ? frameLabel(current.index, total) : undefined;
  return (
    <section aria-label={label} aria-keyshortcuts={PLAYBACK_KEYS}>
      <div className="player-stage">
        <FrameBox
          src={current?.url}
          width={width}
          height={height}
          alt={shown ?? 'No frame yet'}
          eager
        />
      </div>
      <PlaybackControls
        playback={playback}
        count={frames.length}
        position={position}
        onScrub={onPositionChange}
        labels={{
          scrub: 'Frame',
          scrubValue: shown ?? 'no frames',
          position: shown ?? '—',
        }}
        testId="player"
      />
      <p className="field-hint" style={{ margin: '0.3rem 0 0' }}>
        {PLAYBACK_KEYS_HINT}
      </p>
    </section>
  );
}

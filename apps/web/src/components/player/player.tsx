'use client';
import { FrameBox } from '../bits.tsx';
import { PlaybackControls } from './playback-controls.tsx';
import type { PlaybackMode } from './playback.ts';
import { usePlayback } from './use-playback.ts';

export interface PlayerFrame {
  readonly index: number;
  readonly url: string;
}

/**
 * Frame player of one run: the frame at the position over the playback controls. The shown
 * position is owned by the caller so a filmstrip can follow it.
 */
export function Player({
  frames,
  width,
  height,
  position,
  onPositionChange,
  label,
  fps,
  mode,
}: {
  frames: readonly PlayerFrame[];
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
  const current = frames[Math.min(position, frames.length - 1)];
  return (
    <section aria-label={label}>
      <div className="player-stage">
        <FrameBox
          src={current?.url}
          width={width}
          height={height}
          alt={current ? `Frame ${current.index}` : 'No frame yet'}
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
          scrubValue: current ? `frame ${current.index}` : 'no frames',
          position: current ? `frame ${current.index}` : '—',
        }}
      />
    </section>
  );
}

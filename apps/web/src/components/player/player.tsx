'use client';
import { useEffect, useId, useRef, useState } from 'react';
import { FrameBox } from '../bits.tsx';
import { nextPosition, type PlaybackMode } from './playback.ts';

export interface PlayerFrame {
  readonly index: number;
  readonly url: string;
}

/**
 * Frame player: play/pause, scrub, frames per second, loop or ping-pong. The shown position is
 * owned by the caller so a filmstrip (or other runs) can follow it.
 */
export function Player({
  frames,
  width,
  height,
  position,
  onPositionChange,
  label,
}: {
  frames: readonly PlayerFrame[];
  width: number;
  height: number;
  position: number;
  onPositionChange: (position: number) => void;
  label: string;
}) {
  const id = useId();
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(12);
  const [mode, setMode] = useState<PlaybackMode>('loop');
  const direction = useRef<1 | -1>(1);
  const current = frames[Math.min(position, frames.length - 1)];
  const latest = useRef({ position, count: frames.length, onPositionChange, mode });
  latest.current = { position, count: frames.length, onPositionChange, mode };

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const { position: at, count, onPositionChange: move, mode: playMode } = latest.current;
      const step = nextPosition(at, count, direction.current, playMode);
      direction.current = step.direction;
      move(step.position);
    }, 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, fps]);

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
      <div className="player-controls">
        <button
          type="button"
          onClick={() => setPlaying((p) => !p)}
          disabled={frames.length < 2}
          aria-pressed={playing}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <label htmlFor={`${id}-scrub`} className="visually-hidden">
          Frame
        </label>
        <input
          id={`${id}-scrub`}
          className="scrub"
          type="range"
          min={0}
          max={Math.max(0, frames.length - 1)}
          value={Math.min(position, Math.max(0, frames.length - 1))}
          onChange={(e) => onPositionChange(Number(e.target.value))}
          disabled={frames.length === 0}
          aria-valuetext={current ? `frame ${current.index}` : 'no frames'}
        />
        <span className="mono" aria-live="off">
          {current ? `frame ${current.index}` : '—'}
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
          <select value={mode} onChange={(e) => setMode(e.target.value as PlaybackMode)}>
            <option value="loop">Loop</option>
            <option value="ping-pong">Ping-pong</option>
          </select>
        </label>
      </div>
    </section>
  );
}

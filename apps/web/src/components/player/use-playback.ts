'use client';
import { useEffect, useRef, useState } from 'react';
import { nextPosition, type PlaybackMode } from './playback.ts';

export interface Playback {
  readonly playing: boolean;
  readonly setPlaying: (playing: boolean | ((playing: boolean) => boolean)) => void;
  readonly fps: number;
  readonly setFps: (fps: number) => void;
  readonly mode: PlaybackMode;
  readonly setMode: (mode: PlaybackMode) => void;
}

/**
 * Play, pause, speed and loop or ping-pong over `count` positions. The position itself is the
 * caller's (a filmstrip, the URL or other runs follow it); while playing, the hook moves it.
 */
export function usePlayback(
  count: number,
  position: number,
  onPositionChange: (position: number) => void,
  initialFps: number,
  initialMode: PlaybackMode = 'loop',
): Playback {
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(initialFps);
  const [mode, setMode] = useState<PlaybackMode>(initialMode);
  const direction = useRef<1 | -1>(1);
  // The timer reads the newest values without restarting on every frame.
  const latest = useRef({ position, count, onPositionChange, mode });
  latest.current = { position, count, onPositionChange, mode };

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const { position: at, count: positions, onPositionChange: move, mode: how } = latest.current;
      const step = nextPosition(at, positions, direction.current, how);
      direction.current = step.direction;
      move(step.position);
    }, 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, fps]);

  return { playing, setPlaying, fps, setFps, mode, setMode };
}

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

/**
 * Page-wide keys: space plays or pauses, the arrow keys move one position, Home and End go to
 * either end. `move` clamps; End asks for the largest position there is.
 */
export function usePlaybackKeys(playback: Playback, position: number, move: (to: number) => void) {
  const latest = useRef({ position, move, setPlaying: playback.setPlaying });
  latest.current = { position, move, setPlaying: playback.setPlaying };
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || !ownsKey(event.target, event.key))
        return;
      const { position: from, move: to, setPlaying } = latest.current;
      if (event.key === ' ') setPlaying((p) => !p);
      else if (event.key === 'ArrowRight' || event.key === 'ArrowUp') to(from + 1);
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowDown') to(from - 1);
      else if (event.key === 'Home') to(0);
      else if (event.key === 'End') to(Number.MAX_SAFE_INTEGER);
      else return;
      event.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

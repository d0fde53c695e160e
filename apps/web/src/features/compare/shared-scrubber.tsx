'use client';
// The player panel of views that show several runs at one position (compare, a sweep's grid): one
// scrubber over the longest run's frames, the playback keys, and what the view adds below it.
import type { ReactNode } from 'react';
import { PlaybackControls } from '../../components/player/playback-controls.tsx';
import { frameLabel, PLAYBACK_KEYS } from '../../components/player/playback.ts';
import type { Playback } from '../../components/player/use-playback.ts';

export function SharedScrubber({
  label,
  testId,
  playback,
  positions,
  at,
  move,
  children,
}: {
  label: string;
  testId: string;
  playback: Playback;
  positions: number;
  at: number;
  move: (to: number) => void;
  children?: ReactNode;
}) {
  return (
    <section className="panel compare-player" aria-label={label} aria-keyshortcuts={PLAYBACK_KEYS}>
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
        testId={testId}
      />
      {children}
    </section>
  );
}

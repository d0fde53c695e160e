'use client';
import Link from 'next/link';
import { FrameBox, StatusBadge } from '../../components/bits.tsx';
import { SERIES_COLORS } from '../../components/line-chart.tsx';
import { frameLabel } from '../../components/player/playback.ts';
import { NotesMarkdown } from '../run-view/run-notes.tsx';
import type { LiveFrame } from '../run-view/live-frames.ts';
import { ACTIVE, type ShownRun } from './use-compare-runs.ts';

/** A compared run at the shared position: the index of its nearest frame, and that frame if stored. */
export interface RunAtPosition extends ShownRun {
  readonly index: number;
  readonly frame: LiveFrame | undefined;
}

/**
 * One column per run with its frame at the shared position. Side by side, the columns are the
 * player and show full frames; under a wipe, onion or difference view they are an overview of
 * thumbnails.
 */
export function CompareColumns({
  atRun,
  overview,
}: {
  atRun: readonly RunAtPosition[];
  overview: boolean;
}) {
  return (
    <div
      className={`compare-grid${overview ? ' overview' : ''}`}
      style={{ ['--columns' as string]: atRun.length }}
    >
      {atRun.map(({ run, frame, index, frames }, i) => (
        <section key={run.id} className="panel" aria-label={run.name} data-testid="compare-column">
          <div className="compare-head">
            <span
              style={{ width: 10, height: 10, background: SERIES_COLORS[i], borderRadius: 2 }}
              aria-hidden
            />
            <Link href={`/runs/${run.id}`} style={{ fontWeight: 600 }} prefetch={false}>
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
            src={overview ? frame?.thumbnailUrl : frame?.url}
            width={run.width}
            height={run.height}
            alt={
              frame
                ? `${run.name}, ${frameLabel(index, run.steps)}`
                : `${run.name}, ${frameLabel(index, run.steps)} not decoded yet`
            }
            eager
          />
          <p className="muted mono" data-testid="compare-frame-index" style={{ margin: 0 }}>
            {frame
              ? frameLabel(index, run.steps)
              : `${frameLabel(index, run.steps)} (not decoded yet)`}
          </p>
          {run.notes ? <NotesMarkdown notes={run.notes} /> : null}
        </section>
      ))}
    </div>
  );
}

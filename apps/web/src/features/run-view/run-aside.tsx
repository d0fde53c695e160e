'use client';
import { Fragment, type ReactNode } from 'react';
import Link from 'next/link';
import type { RunDetailFieldsFragment } from '../../gql/graphql.ts';
import { describeNoise, formatDateTime, formatDuration } from '../../lib/format.ts';
import { FrameBox } from '../../components/bits.tsx';
import { choiceRows } from '../../components/choice-fields.tsx';
import { CreatedBy } from '../../components/created-by.tsx';
import { RunNotes } from './run-notes.tsx';
import { TagEditor } from './tag-editor.tsx';

/** The run page's side column: parameters and keyframes, notes, downloads. */
export function RunAside({
  run,
  editable,
  hasFrames,
}: {
  run: RunDetailFieldsFragment;
  editable: boolean;
  hasFrames: boolean;
}) {
  const parameters: { label: string; value: ReactNode; className?: string }[] = [
    { label: 'Model', value: run.model },
    { label: 'Steps', value: run.steps },
    ...choiceRows(run),
    { label: 'Size', value: `${run.width}×${run.height}` },
    { label: 'Noise', value: describeNoise(run.noise) },
    { label: 'Seed', value: run.seed, className: 'mono' },
    {
      label: 'Tags',
      value: <TagEditor runId={run.id} tags={run.tags} readOnly={!editable} />,
    },
    {
      label: 'Created by',
      value: run.createdBy ? <CreatedBy user={run.createdBy} prefix="" /> : '—',
    },
    ...(run.sweepId
      ? [
          {
            label: 'Sweep',
            value: <Link href={`/sweeps/${run.sweepId}`}>one cell of a sweep</Link>,
          },
        ]
      : []),
    { label: 'Created', value: formatDateTime(run.createdAt) },
    { label: 'Started', value: formatDateTime(run.startedAt) },
    { label: 'Finished', value: formatDateTime(run.finishedAt) },
    { label: 'Encode', value: formatDuration(run.encodeMs) },
    { label: 'Total', value: formatDuration(run.totalMs) },
  ];
  // Built by the server from the stored frames; the file name comes from its Content-Disposition.
  const downloads = [
    { label: 'Frames (zip)', href: run.downloads.framesZip },
    { label: 'Animated WebP', href: run.downloads.animationWebp },
    { label: 'GIF', href: run.downloads.animationGif },
    { label: 'Contact sheet', href: run.downloads.contactSheet },
  ];
  return (
    <aside>
      <div className="panel">
        <h2 style={{ marginTop: 0 }}>Parameters</h2>
        <dl className="params">
          {parameters.map(({ label, value, className }) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd className={className}>{value}</dd>
            </Fragment>
          ))}
        </dl>
        <h3>Keyframes</h3>
        <div className="run-thumbs">
          {run.keyframes.map((image, i) => (
            <FrameBox
              key={`${image.id}-${i}`}
              src={image.thumbnailUrl}
              width={image.width}
              height={image.height}
              alt={`Keyframe ${i + 1}: ${image.originalName}`}
            />
          ))}
        </div>
      </div>
      <div className="panel" aria-label="Notes" role="region">
        <h2 style={{ marginTop: 0 }}>Notes</h2>
        <RunNotes key={run.notes} runId={run.id} notes={run.notes} editable={editable} />
      </div>
      <div className="panel">
        <h2 style={{ marginTop: 0 }}>Downloads</h2>
        {hasFrames ? (
          <div className="row">
            {downloads.map(({ label, href }) => (
              <a key={label} className="button" href={href} download>
                {label}
              </a>
            ))}
          </div>
        ) : (
          <p className="muted">Available once the first frame is stored.</p>
        )}
      </div>
    </aside>
  );
}

'use client';
import Link from 'next/link';
import type { RunMetric, RunSummaryFieldsFragment } from '../../gql/graphql.ts';
import { describeNoise, formatDateTime } from '../../lib/format.ts';
import { FrameBox, StatusBadge } from '../../components/bits.tsx';
import { CreatedBy } from '../../components/created-by.tsx';
import { QueuePlace } from '../../components/queue-place.tsx';
import { formatMetric, metricDefinition } from './metrics.ts';

/** First, middle and last stored frames (their small WebPs): the server sends fewer when fewer exist. */
function thumbnails(run: RunSummaryFieldsFragment): (string | undefined)[] {
  const urls = run.thumbnails.map((frame) => frame.thumbnailUrl);
  return urls.length === 3 ? urls : [urls[0], urls[0], urls.at(-1)];
}

/** The value of the metric the list is sorted by, so the order can be read off the rows. */
function SortedMetric({ run, metric }: { run: RunSummaryFieldsFragment; metric: RunMetric }) {
  const definition = metricDefinition(metric);
  return (
    <span data-testid="sorted-metric" data-value={run.metrics?.[definition.key]}>
      {definition.label} <span className="mono">{formatMetric(definition, run.metrics)}</span>
    </span>
  );
}

/**
 * One run of the history: thumbnails, status, parameters and tag chips that filter by the tag;
 * `sortedBy`: the metric the list is sorted by, shown in the row. Its links do not prefetch: a
 * page of rows would fetch every run's page (twice, title and Open) as it comes into view.
 */
export function RunRow({
  run,
  selected,
  onToggle,
  tagHref,
  currentTag,
  sortedBy,
}: {
  run: RunSummaryFieldsFragment;
  selected: boolean;
  onToggle: () => void;
  tagHref: (tag: string) => string;
  currentTag: string;
  sortedBy: RunMetric | null;
}) {
  return (
    <li className={`run-row${selected ? ' selected' : ''}`} data-run-id={run.id}>
      <input
        type="checkbox"
        checked={selected}
        onChange={onToggle}
        aria-label={`Select ${run.name}`}
      />
      <div className="run-thumbs">
        {thumbnails(run).map((url, i) => (
          <FrameBox
            key={i}
            src={url}
            width={run.width}
            height={run.height}
            alt={url ? `${run.name}, ${['first', 'middle', 'last'][i]} frame` : ''}
          />
        ))}
      </div>
      <div className="run-main">
        <div className="row">
          <Link className="title" href={`/runs/${run.id}`} prefetch={false}>
            {run.name}
          </Link>
          <StatusBadge status={run.status} />
          {run.status === 'RUNNING' ? (
            <span className="muted">
              {run.framesDone}/{run.steps}
            </span>
          ) : null}
          <QueuePlace {...run} />
        </div>
        <div className="run-meta">
          {sortedBy ? <SortedMetric run={run} metric={sortedBy} /> : null}
          <span>{run.model}</span>
          <span>{run.steps} steps</span>
          <span>noise {describeNoise(run.noise)}</span>
          <span>
            seed <span className="mono">{run.seed}</span>
          </span>
          <span>{formatDateTime(run.createdAt)}</span>
          <CreatedBy user={run.createdBy} />
        </div>
        <div>
          {run.tags.map((t) => (
            <Link
              className="tag"
              key={t}
              href={tagHref(t)}
              aria-label={`Show runs tagged ${t}`}
              aria-current={currentTag === t ? 'true' : undefined}
              scroll={false}
              prefetch={false}
            >
              {t}
            </Link>
          ))}
        </div>
      </div>
      <div className="run-actions">
        <Link href={`/runs/${run.id}`} prefetch={false}>
          Open
        </Link>
      </div>
    </li>
  );
}

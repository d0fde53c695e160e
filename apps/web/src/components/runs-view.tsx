'use client';
import { useEffect, useId, useMemo, useState } from 'react';
import Link from 'next/link';
import { useQuery, useSubscription } from 'urql';
import { ModelsQuery, RunsQuery, RunUpdatesSubscription } from '../lib/operations.ts';
import type {
  RunSummaryFieldsFragment,
  RunStatus,
  RunUpdatesSubscription as RunUpdateEvent,
  RunsQueryVariables,
} from '../gql/graphql.ts';
import { describeError } from '../lib/errors.ts';
import { FINISHED_STATUSES, RUN_STATUS_OPTIONS } from '../lib/options.ts';
import { describeNoise, formatDateTime } from '../lib/format.ts';
import { ErrorMessage, FrameBox, StatusBadge } from './bits.tsx';
import { Pager, useCursorPages } from './pager.tsx';

const PAGE_SIZE = 20;
const STATUSES = RUN_STATUS_OPTIONS;
const SORTS = {
  newest: { field: 'CREATED_AT', direction: 'DESC' },
  oldest: { field: 'CREATED_AT', direction: 'ASC' },
  'name-asc': { field: 'NAME', direction: 'ASC' },
  'name-desc': { field: 'NAME', direction: 'DESC' },
} as const;
export const MAX_COMPARED = 4;
const FINAL = FINISHED_STATUSES;

interface Filters {
  search: string;
  status: RunStatus | '';
  model: string;
  tag: string;
  createdAfter: string;
  createdBefore: string;
  sort: keyof typeof SORTS;
}

const NO_FILTERS: Filters = {
  search: '',
  status: '',
  model: '',
  tag: '',
  createdAfter: '',
  createdBefore: '',
  sort: 'newest',
};

/** Start of the day for "after", end of it for "before", both in the viewer's time zone. */
function dayBoundary(date: string, end: boolean): string | undefined {
  if (!date) return undefined;
  const at = new Date(`${date}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

function toVariables(filters: Filters, after: string | null): RunsQueryVariables {
  return {
    first: PAGE_SIZE,
    after,
    sort: SORTS[filters.sort],
    filter: {
      search: filters.search.trim() || undefined,
      status: filters.status ? [filters.status] : undefined,
      model: filters.model || undefined,
      tag: filters.tag.trim() || undefined,
      createdAfter: dayBoundary(filters.createdAfter, false),
      createdBefore: dayBoundary(filters.createdBefore, true),
    },
  };
}

type RunUpdate = RunUpdateEvent['runUpdates'];

interface LiveUpdates {
  readonly byRun: ReadonlyMap<string, RunUpdate>;
  /** Bumped when the page itself must be fetched again: a run created or deleted, or a run that ended. */
  readonly pageVersion: number;
}

function collectUpdate(previous: LiveUpdates | undefined, event: RunUpdateEvent): LiveUpdates {
  const update = event.runUpdates;
  const before = previous?.byRun.get(update.runId)?.run?.status;
  const ended =
    update.run !== null && FINAL.has(update.run.status) && !(before && FINAL.has(before));
  const byRun = new Map(previous?.byRun);
  byRun.set(update.runId, update);
  return {
    byRun,
    pageVersion: (previous?.pageVersion ?? 0) + (update.kind !== 'UPDATED' || ended ? 1 : 0),
  };
}

/** First, middle and last stored frames: the server sends fewer when fewer exist. */
function thumbnails(run: RunSummaryFieldsFragment): (string | undefined)[] {
  const urls = run.thumbnails.map((frame) => frame.url);
  return urls.length === 3 ? urls : [urls[0], urls[0], urls.at(-1)];
}

export function RunsView() {
  const id = useId();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const pages = useCursorPages();
  const [selected, setSelected] = useState<string[]>([]);
  const variables = useMemo(() => toVariables(filters, pages.after), [filters, pages.after]);
  // The history is always worth a fresh look: show the cached page at once, then the server's.
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RunsQuery,
    variables,
    requestPolicy: 'cache-and-network',
  });
  const [models] = useQuery({ query: ModelsQuery });
  const [updates] = useSubscription({ query: RunUpdatesSubscription }, collectUpdate);

  // Rows change in place; the page is fetched again only for the events that change it as a whole.
  const pageVersion = updates.data?.pageVersion ?? 0;
  useEffect(() => {
    if (pageVersion > 0) refetch({ requestPolicy: 'network-only' });
  }, [pageVersion, refetch]);

  const rows = (data?.runs.nodes ?? []).flatMap((run) => {
    const update = updates.data?.byRun.get(run.id);
    if (update?.kind === 'DELETED') return [];
    return [update?.run ? { ...run, ...update.run } : run];
  });

  function apply(next: Filters) {
    setFilters(next);
    pages.toFirst();
  }

  function toggle(runId: string) {
    setSelected((current) =>
      current.includes(runId)
        ? current.filter((s) => s !== runId)
        : current.length >= MAX_COMPARED
          ? current
          : [...current, runId],
    );
  }

  const field = (name: keyof Filters) => `${id}-${name}`;
  return (
    <>
      <div className="page-head">
        <h1>Runs</h1>
        <Link className="button primary" href="/runs/new">
          New run
        </Link>
      </div>
      <form
        className="panel filters"
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <div className="field">
          <label htmlFor={field('search')}>Name contains</label>
          <input
            id={field('search')}
            type="search"
            value={draft.search}
            onChange={(e) => setDraft({ ...draft, search: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={field('status')}>Status</label>
          <select
            id={field('status')}
            value={draft.status}
            onChange={(e) => apply({ ...draft, status: e.target.value as RunStatus | '' })}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={field('model')}>Model</label>
          <select
            id={field('model')}
            value={draft.model}
            onChange={(e) => apply({ ...draft, model: e.target.value })}
          >
            <option value="">Any</option>
            {(models.data?.models ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={field('tag')}>Tag</label>
          <input
            id={field('tag')}
            value={draft.tag}
            onChange={(e) => setDraft({ ...draft, tag: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={field('createdAfter')}>Created from</label>
          <input
            id={field('createdAfter')}
            type="date"
            value={draft.createdAfter}
            onChange={(e) => setDraft({ ...draft, createdAfter: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={field('createdBefore')}>Created until</label>
          <input
            id={field('createdBefore')}
            type="date"
            value={draft.createdBefore}
            onChange={(e) => setDraft({ ...draft, createdBefore: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={field('sort')}>Sort</label>
          <select
            id={field('sort')}
            value={draft.sort}
            onChange={(e) => apply({ ...draft, sort: e.target.value as Filters['sort'] })}
          >
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
            <option value="name-asc">Name A–Z</option>
            <option value="name-desc">Name Z–A</option>
          </select>
        </div>
        <div className="row">
          <button type="submit" className="primary">
            Apply
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              apply(NO_FILTERS);
            }}
          >
            Clear
          </button>
        </div>
      </form>

      <ErrorMessage message={describeError(error)} />
      {fetching && !data ? <p className="muted">Loading runs…</p> : null}
      {data && rows.length === 0 ? <p className="muted">No runs match these filters.</p> : null}
      {data ? (
        <p className="muted" aria-live="polite">
          {data.runs.totalCount} run{data.runs.totalCount === 1 ? '' : 's'}
          {pages.page > 1 ? `, page ${pages.page}` : ''}
        </p>
      ) : null}

      <ul className="run-list" aria-label="Run history">
        {rows.map((run) => {
          const isSelected = selected.includes(run.id);
          return (
            <li
              key={run.id}
              className={`run-row${isSelected ? ' selected' : ''}`}
              data-run-id={run.id}
            >
              <input
                type="checkbox"
                checked={isSelected}
                onChange={() => toggle(run.id)}
                disabled={!isSelected && selected.length >= MAX_COMPARED}
                aria-label={`Select ${run.name} for comparison`}
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
                  <Link className="title" href={`/runs/${run.id}`}>
                    {run.name}
                  </Link>
                  <StatusBadge status={run.status} />
                  {run.status === 'RUNNING' ? (
                    <span className="muted">
                      {run.framesDone}/{run.steps}
                    </span>
                  ) : null}
                </div>
                <div className="run-meta">
                  <span>{run.model}</span>
                  <span>{run.steps} steps</span>
                  <span>noise {describeNoise(run.noise)}</span>
                  <span>
                    seed <span className="mono">{run.seed}</span>
                  </span>
                  <span>{formatDateTime(run.createdAt)}</span>
                </div>
                <div>
                  {run.tags.map((t) => (
                    <span className="tag" key={t}>
                      {t}
                    </span>
                  ))}
                </div>
              </div>
              <div className="run-actions">
                <Link href={`/runs/${run.id}`}>Open</Link>
              </div>
            </li>
          );
        })}
      </ul>

      <Pager pages={pages} pageInfo={data?.runs} />

      {selected.length > 0 ? (
        <div className="compare-bar" role="region" aria-label="Comparison selection">
          <span>
            {selected.length} selected{selected.length < 2 ? ' (pick at least 2)' : ''}
          </span>
          <span className="spacer" />
          <button type="button" onClick={() => setSelected([])}>
            Clear
          </button>
          {selected.length >= 2 ? (
            <Link className="button primary" href={`/compare?runs=${selected.join(',')}`}>
              Compare {selected.length} runs
            </Link>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

'use client';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useClient, useQuery, useSubscription } from 'urql';
import {
  DeleteRunMutation,
  ModelsQuery,
  RunUpdatesSubscription,
  RunsQuery,
  TagRunMutation,
} from './documents.ts';
import type {
  RunSummaryFieldsFragment,
  RunStatus,
  RunUpdatesSubscription as RunUpdateEvent,
} from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { FINISHED_STATUSES } from '../../lib/options.ts';
import { describeNoise, formatDateTime } from '../../lib/format.ts';
import {
  cursorTrail,
  filtersFromParams,
  filtersToQuery,
  hasFilters,
  NO_FILTERS,
  STATUSES,
  toRunsVariables,
  type RunFilters,
} from './run-filters.ts';
import { canCreate } from '../../lib/roles.ts';
import { ErrorMessage, FrameBox, StatusBadge } from '../../components/bits.tsx';
import { CreatedBy } from '../../components/created-by.tsx';
import { useSession } from '../../shell/session.tsx';
import { Pager, type CursorPages } from '../../components/pager.tsx';

export const MAX_COMPARED = 4;
const FINAL = FINISHED_STATUSES;

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

/** First, middle and last stored frames (their small WebPs): the server sends fewer when fewer exist. */
function thumbnails(run: RunSummaryFieldsFragment): (string | undefined)[] {
  const urls = run.thumbnails.map((frame) => frame.thumbnailUrl);
  return urls.length === 3 ? urls : [urls[0], urls[0], urls.at(-1)];
}

/** Selected runs: delete, tag or compare them together. */
function SelectionBar({
  selected,
  names,
  onClear,
  onChanged,
  writable,
}: {
  writable: boolean;
  selected: readonly string[];
  names: ReadonlyMap<string, string>;
  onClear: () => void;
  onChanged: (deleted: readonly string[]) => void;
}) {
  const id = useId();
  const client = useClient();
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const count = selected.length;

  async function each(
    action: (runId: string) => Promise<{ error?: Parameters<typeof describeError>[0] }>,
  ): Promise<string[]> {
    setBusy(true);
    setError(null);
    setMessage(null);
    const failures: string[] = [];
    const done: string[] = [];
    for (const runId of selected) {
      const result = await action(runId);
      if (result.error)
        failures.push(`${names.get(runId) ?? runId}: ${describeError(result.error)}`);
      else done.push(runId);
    }
    setBusy(false);
    if (failures.length > 0) setError(failures.join(' '));
    return done;
  }

  async function tagAll(event: FormEvent) {
    event.preventDefault();
    const added = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (added.length === 0) return;
    const done = await each((runId) =>
      client.mutation(TagRunMutation, { id: runId, tags: added }).toPromise(),
    );
    if (done.length > 0) {
      setTags('');
      setMessage(`Tagged ${done.length} run${done.length === 1 ? '' : 's'}.`);
    }
    onChanged([]);
  }

  async function deleteAll() {
    if (!window.confirm(`Delete ${count} run${count === 1 ? '' : 's'} and their frames?`)) return;
    const deleted = await each((runId) =>
      client
        .mutation(DeleteRunMutation, { id: runId }, { additionalTypenames: ['Run'] })
        .toPromise(),
    );
    if (deleted.length > 0)
      setMessage(`Deleted ${deleted.length} run${deleted.length === 1 ? '' : 's'}.`);
    onChanged(deleted);
  }

  return (
    <div className="compare-bar" role="region" aria-label="Selected runs">
      <span>
        {count} selected
        {count === 1 ? ' (pick at least 2 to compare)' : ''}
        {count > MAX_COMPARED ? ` (compare takes at most ${MAX_COMPARED})` : ''}
      </span>
      {count >= 2 && count <= MAX_COMPARED ? (
        <Link className="button primary" href={`/compare?runs=${selected.join(',')}`}>
          Compare {count} runs
        </Link>
      ) : null}
      {writable ? (
        <form className="row" onSubmit={tagAll}>
          <label htmlFor={`${id}-tags`} className="visually-hidden">
            Tags for the selected runs
          </label>
          <input
            id={`${id}-tags`}
            placeholder="tags, comma separated"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            style={{ width: '11rem' }}
          />
          <button type="submit" disabled={busy || tags.trim() === ''}>
            Tag selected
          </button>
        </form>
      ) : null}
      {writable ? (
        <button type="button" className="danger" onClick={deleteAll} disabled={busy}>
          Delete selected
        </button>
      ) : null}
      <span className="spacer" />
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
      {message ? (
        <span role="status" className="bar-note">
          {message}
        </span>
      ) : null}
      {error ? (
        <span role="alert" className="bar-note">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** What an empty workspace shows on a first visit: the two things to do first. */
function FirstSteps({ readOnly }: { readOnly: boolean }) {
  if (readOnly)
    return (
      <div className="panel first-steps" data-testid="first-steps">
        <h2 style={{ marginTop: 0 }}>No runs yet</h2>
        <p>Runs the members of this workspace start will appear here as their frames arrive.</p>
      </div>
    );
  return (
    <div className="panel first-steps" data-testid="first-steps">
      <h2 style={{ marginTop: 0 }}>No runs yet: start here</h2>
      <ol>
        <li>
          <strong>Upload two photos</strong> (PNG, JPEG or WebP) on the{' '}
          <Link href="/images">Images</Link> page, or drop them straight into the New run form. A
          run walks between two or more of them.
        </li>
        <li>
          <strong>Start a run</strong>: on <Link href="/runs/new">New run</Link>, put the photos in
          order, choose the number of frames and the noise, and press Start run. Frames appear here
          as they are decoded.
        </li>
      </ol>
      <Link className="button primary" href="/runs/new">
        Start your first run
      </Link>
    </div>
  );
}

export function RunsView() {
  const id = useId();
  const session = useSession();
  const writable = canCreate(session?.workspace.role);
  const userId = session?.me.id ?? null;
  const router = useRouter();
  const pathname = usePathname() ?? '/';
  const params = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const trail = useMemo(() => cursorTrail(params), [params]);
  const filtersKey = filtersToQuery(filters);
  // Text and date fields are typed into a draft and applied together; the URL is the truth, so the
  // draft follows it whenever it changes (a tag chip, the back button, a pasted link).
  const [draft, setDraft] = useState<RunFilters>(filters);
  useEffect(() => setDraft(filtersFromParams(new URLSearchParams(filtersKey))), [filtersKey]);
  const [selected, setSelected] = useState<string[]>([]);
  const after = trail.at(-1) ?? null;
  const variables = useMemo(
    () => toRunsVariables(filters, after, undefined, userId),
    [filters, after, userId],
  );
  // The history is always worth a fresh look: show the cached page at once, then the server's.
  const [{ data, fetching, error, operation }, refetch] = useQuery({
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
  const names = new Map(rows.map((run) => [run.id, run.name]));
  // Which filters the shown rows answer (empty while the list for the URL's filters is loading).
  const shownFor =
    data && JSON.stringify(operation?.variables) === JSON.stringify(variables)
      ? filtersToQuery(filters, trail)
      : null;

  function navigate(next: RunFilters, nextTrail: readonly string[] = []) {
    const query = filtersToQuery(next, nextTrail);
    router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  const pages: CursorPages = {
    after,
    page: trail.length + 1,
    toFirst: () => navigate(filters),
    back: () => navigate(filters, trail.slice(0, -1)),
    forward: (endCursor) => navigate(filters, [...trail, endCursor]),
  };

  function toggle(runId: string) {
    setSelected((current) =>
      current.includes(runId) ? current.filter((s) => s !== runId) : [...current, runId],
    );
  }

  const field = (name: keyof RunFilters) => `${id}-${name}`;
  const filtered = hasFilters(filters);
  return (
    <>
      <div className="page-head">
        <h1>Runs</h1>
        {writable ? (
          <Link className="button primary" href="/runs/new">
            New run
          </Link>
        ) : null}
      </div>
      <form
        className="panel filters"
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(draft);
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
            onChange={(e) => navigate({ ...draft, status: e.target.value as RunStatus | '' })}
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
            onChange={(e) => navigate({ ...draft, model: e.target.value })}
          >
            <option value="">Any</option>
            {(models.data?.models ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
            {draft.model && !models.data?.models.some((m) => m.name === draft.model) ? (
              <option value={draft.model}>{draft.model}</option>
            ) : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor={field('tag')}>Tag</label>
          <input
            id={field('tag')}
            placeholder="a tag or its start"
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
          <label htmlFor={field('createdBy')}>Created by</label>
          <select
            id={field('createdBy')}
            value={draft.createdBy}
            onChange={(e) =>
              navigate({ ...draft, createdBy: e.target.value as RunFilters['createdBy'] })
            }
          >
            <option value="">Anyone</option>
            <option value="me">Me</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={field('sort')}>Sort</label>
          <select
            id={field('sort')}
            value={draft.sort}
            onChange={(e) => navigate({ ...draft, sort: e.target.value as RunFilters['sort'] })}
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
          <button type="button" onClick={() => navigate(NO_FILTERS)}>
            Clear
          </button>
        </div>
      </form>

      <ErrorMessage message={describeError(error)} />
      {fetching && !data ? <p className="muted">Loading runs…</p> : null}
      {data && rows.length === 0 && !filtered && pages.page === 1 ? (
        <FirstSteps readOnly={!writable} />
      ) : null}
      {data && rows.length === 0 && (filtered || pages.page > 1) ? (
        <p className="muted">No runs match these filters.</p>
      ) : null}
      {data ? (
        <p className="muted" aria-live="polite">
          {data.runs.totalCount} run{data.runs.totalCount === 1 ? '' : 's'}
          {pages.page > 1 ? `, page ${pages.page}` : ''}
        </p>
      ) : null}

      <ul
        className="run-list"
        aria-label="Run history"
        aria-busy={shownFor === null}
        data-shown-for={shownFor ?? undefined}
      >
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
                  <CreatedBy user={run.createdBy} />
                </div>
                <div>
                  {run.tags.map((t) => (
                    <Link
                      className="tag"
                      key={t}
                      href={`${pathname}?${filtersToQuery({ ...filters, tag: t })}`}
                      aria-label={`Show runs tagged ${t}`}
                      aria-current={filters.tag === t ? 'true' : undefined}
                      scroll={false}
                    >
                      {t}
                    </Link>
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
        <SelectionBar
          writable={writable}
          selected={selected}
          names={names}
          onClear={() => setSelected([])}
          onChanged={(deleted) => {
            setSelected((current) => current.filter((s) => !deleted.includes(s)));
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
    </>
  );
}

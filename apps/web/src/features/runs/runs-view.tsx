'use client';
import { RunUpdatesDocument, RunsDocument } from '../../gql/graphql.ts';
import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useQueryStates } from 'nuqs';
import { useQuery, useSubscription } from 'urql';
import type { RunUpdatesSubscription as RunUpdateEvent } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { FINISHED_STATUSES } from '../../lib/options.ts';
import {
  dateRangeError,
  filtersToQuery,
  hasFilters,
  RUNS_URL_KEYS,
  runsParams,
  sortedMetric,
  toRunsVariables,
  trimmed,
  type RunFilters,
} from './run-filters.ts';
import { canCreate } from '../../lib/roles.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { useSession } from '../../shell/session.tsx';
import { Pager, type CursorPages } from '../../components/pager.tsx';
import { FiltersForm } from './filters-form.tsx';
import { FirstSteps } from './first-steps.tsx';
import { RunRow } from './run-row.tsx';
import { SelectionBar } from './selection-bar.tsx';

const FINAL = FINISHED_STATUSES;

type RunUpdate = RunUpdateEvent['runUpdates'];

interface LiveUpdates {
  readonly byRun: ReadonlyMap<string, RunUpdate>;
  /**
   * Bumped when the page itself must be fetched again: a run created or deleted, a run that ended,
   * or one that started (the queued runs' places moved up).
   */
  readonly pageVersion: number;
}

function collectUpdate(previous: LiveUpdates | undefined, event: RunUpdateEvent): LiveUpdates {
  const update = event.runUpdates;
  const before = previous?.byRun.get(update.runId)?.run?.status;
  const ended =
    update.run !== null && FINAL.has(update.run.status) && !(before && FINAL.has(before));
  const started = update.run?.status === 'RUNNING' && before !== 'RUNNING';
  const byRun = new Map(previous?.byRun);
  byRun.set(update.runId, update);
  return {
    byRun,
    pageVersion:
      (previous?.pageVersion ?? 0) + (update.kind !== 'UPDATED' || ended || started ? 1 : 0),
  };
}

export function RunsView() {
  const session = useSession();
  const writable = canCreate(session?.workspace.role);
  const userId = session?.me.id ?? null;
  const pathname = usePathname() ?? '/';
  // Filters, sort and the page's trail of cursors live in the URL; each change is a history entry.
  const [query, setQuery] = useQueryStates(runsParams, {
    urlKeys: RUNS_URL_KEYS,
    history: 'push',
    scroll: false,
  });
  const { after: trail, ...filters } = query;
  const [selected, setSelected] = useState<string[]>([]);
  const after = trail.at(-1) ?? null;
  const filtersKey = filtersToQuery(filters);
  const variables = useMemo(
    () => toRunsVariables(filters, after, undefined, userId),
    // The filters object is new on every render; its query string says when it changed.
    [filtersKey, after, userId],
  );
  // The history is always worth a fresh look: show the cached page at once, then the server's.
  const [{ data, fetching, error, operation }, refetch] = useQuery({
    query: RunsDocument,
    variables,
    requestPolicy: 'cache-and-network',
    // A range that ends before it starts (a pasted link): the form's field says so; the API would
    // only refuse it.
    pause: dateRangeError(filters) !== undefined,
  });
  const [updates] = useSubscription({ query: RunUpdatesDocument }, collectUpdate);

  // Rows change in place; the page is fetched again only for the events that change it as a whole.
  const pageVersion = updates.data?.pageVersion ?? 0;
  useEffect(() => {
    if (pageVersion > 0) refetch({ requestPolicy: 'network-only' });
  }, [pageVersion, refetch]);

  const rows = (data?.runs.nodes ?? []).flatMap((run) => {
    const update = updates.data?.byRun.get(run.id);
    if (update?.kind === 'DELETED') return [];
    // Queue places come from the page: it is fetched again whenever they move, and an event's
    // copy is as old as the event.
    const { queuePosition, estimatedStartAt } = run;
    return [update?.run ? { ...run, ...update.run, queuePosition, estimatedStartAt } : run];
  });
  const names = new Map(rows.map((run) => [run.id, run.name]));
  // Which filters the shown rows answer (empty while the list for the URL's filters is loading).
  const shownFor =
    data && JSON.stringify(operation?.variables) === JSON.stringify(variables)
      ? filtersToQuery(filters, trail)
      : null;

  function navigate(next: RunFilters, nextTrail: readonly string[] = []) {
    void setQuery({ ...trimmed(next), after: [...nextTrail] });
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
      <FiltersForm filters={filters} onApply={(next) => navigate(next)} />

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
        {rows.map((run) => (
          <RunRow
            key={run.id}
            run={run}
            selected={selected.includes(run.id)}
            onToggle={() => toggle(run.id)}
            tagHref={(tag) => `${pathname}?${filtersToQuery({ ...filters, tag })}`}
            currentTag={filters.tag}
            sortedBy={sortedMetric(filters.sort)}
          />
        ))}
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

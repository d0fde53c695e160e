'use client';
import Link from 'next/link';
import { useQuery } from 'urql';
import { SweepsDocument } from '../../gql/graphql.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { Pager, useCursorPages } from '../../components/pager.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { axisLabel } from './sweep-grid.ts';

const PAGE_SIZE = 20;

/** The workspace's sweeps, newest first, each with its axes and how many of its runs succeeded. */
export function SweepsView() {
  const pages = useCursorPages();
  const [{ data, error, fetching }] = useQuery({
    query: SweepsDocument,
    variables: { first: PAGE_SIZE, after: pages.after },
    requestPolicy: 'cache-and-network',
  });
  const sweeps = data?.sweeps;
  return (
    <>
      <div className="page-head">
        <h1>Sweeps</h1>
        <Link href="/runs/new">New sweep (New run, then “Vary”)</Link>
      </div>
      <ErrorMessage message={describeError(error)} />
      {sweeps && sweeps.nodes.length === 0 ? (
        <p className="alert info">
          No sweeps yet. A sweep is a grid of runs that differ in up to three settings: start one
          from the New run form (“Vary”) or with the API’s createSweep.
        </p>
      ) : null}
      {!sweeps && fetching ? <p className="muted">Loading…</p> : null}
      <ul className="sweep-list" data-testid="sweeps">
        {sweeps?.nodes.map((sweep) => {
          const done = sweep.cells.filter((cell) => cell.run?.status === 'SUCCEEDED').length;
          return (
            <li key={sweep.id} className="panel" data-testid="sweep-row">
              <Link href={`/sweeps/${sweep.id}`} style={{ fontWeight: 600 }}>
                {sweep.name}
              </Link>{' '}
              <span className="muted">
                {sweep.axes.map((axis) => `${axisLabel(axis)} (${axis.values.length})`).join(' × ')}{' '}
                · {done} of {sweep.cells.length} succeeded · {sweep.createdBy?.name ?? 'someone'} ·{' '}
                {formatDateTime(sweep.createdAt)}
              </span>
            </li>
          );
        })}
      </ul>
      <Pager pages={pages} pageInfo={sweeps} />
    </>
  );
}

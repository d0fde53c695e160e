'use client';
import Link from 'next/link';
import { useQuery } from 'urql';
import type { ReportView } from '@latent-lab/domain';
import { ErrorMessage } from '../../components/bits.tsx';
import { CreatedBy } from '../../components/created-by.tsx';
import { Pager, useCursorPages } from '../../components/pager.tsx';
import { StackTable } from '../../components/stack-table.tsx';
import { ReportsDocument } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { COMPARE_MODES } from '../compare/compare.ts';
import { METRICS } from '../runs/metrics.ts';

const PAGE_SIZE = 20;

/** What a report's view shows, in a few words, its kind first. */
function describeView(view: ReportView): string {
  if (view.kind === 'sweep') {
    const metric = METRICS.find((m) => m.metric === view.metric)?.label ?? view.metric;
    return `Sweep grid · ${metric} · position ${view.frame}`;
  }
  const mode = COMPARE_MODES.find((m) => m.value === view.mode)?.label ?? view.mode;
  return `Comparison of ${view.runIds.length} runs · ${mode} · position ${view.frame}`;
}

/** The workspace's reports, newest first. */
export function ReportsView() {
  const pages = useCursorPages();
  const [{ data, fetching, error }] = useQuery({
    query: ReportsDocument,
    variables: { first: PAGE_SIZE, after: pages.after },
    requestPolicy: 'cache-and-network',
  });
  const reports = data?.reports;
  return (
    <>
      <div className="page-head">
        <h1>Reports</h1>
      </div>
      <p className="muted">
        Named comparisons and sweep grids with notes, for everyone in the workspace. Save one with
        “Save as report” on the <Link href="/compare">Compare</Link> page or a{' '}
        <Link href="/sweeps">sweep</Link>’s page.
      </p>
      <ErrorMessage message={describeError(error)} />
      {fetching && !reports ? <p className="muted">Loading reports…</p> : null}
      {reports && reports.totalCount === 0 ? <p className="muted">No reports yet.</p> : null}
      {reports && reports.nodes.length > 0 ? (
        <StackTable label="Reports" columns={['Name', 'View', 'Saved']} panel>
          {reports.nodes.map((report) => (
            <tr key={report.id}>
              <td>
                <Link href={`/reports/${report.id}`}>{report.name}</Link>
              </td>
              <td data-label="View">{describeView(report.view as ReportView)}</td>
              <td data-label="Saved">
                {formatDateTime(report.createdAt)} <CreatedBy user={report.createdBy} />
              </td>
            </tr>
          ))}
        </StackTable>
      ) : null}
      {reports && (reports.hasNextPage || pages.page > 1) ? (
        <Pager pages={pages} pageInfo={reports} />
      ) : null}
    </>
  );
}

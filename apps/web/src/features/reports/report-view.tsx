'use client';
import { useState, type ReactNode } from 'react';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import type { ReportView as View } from '@latent-lab/domain';
import { ErrorMessage } from '../../components/bits.tsx';
import { CopyLinkButton } from '../../components/copy-button.tsx';
import { CreatedBy } from '../../components/created-by.tsx';
import { ConfirmButton } from '../../components/stack-table.tsx';
import {
  DeleteReportDocument,
  ReportDocument,
  UpdateReportDocument,
  type ReportFieldsFragment,
} from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { canEdit } from '../../lib/roles.ts';
import { useSession } from '../../shell/session.tsx';
import { ComparePlayer } from '../compare/compare-player.tsx';
import { sweepLink } from '../sweeps/sweep-grid.ts';
import { SweepPlayer } from '../sweeps/sweep-player.tsx';
import { ReportForm } from './report-form.tsx';

// The Markdown renderer is loaded only where notes are shown.
const Markdown = dynamic(() => import('../../components/markdown.tsx'), {
  loading: () => <p className="muted">Loading notes…</p>,
});

/** The report's name and notes, with an editor for its author and admins. */
function ReportDetails({ report, editable }: { report: ReportFieldsFragment; editable: boolean }) {
  const [editing, setEditing] = useState(false);
  const [, update] = useMutation(UpdateReportDocument);
  const [deleteState, remove] = useMutation(DeleteReportDocument);
  const router = useRouter();

  if (editing)
    return (
      <ReportForm
        initial={{ name: report.name, notes: report.notes }}
        label={`Edit report ${report.name}`}
        submitLabel="Save changes"
        onCancel={() => setEditing(false)}
        onSubmit={async (details) => {
          const result = await update({ id: report.id, input: details });
          if (!result.error) setEditing(false);
          return result.error;
        }}
      />
    );
  return (
    <>
      <div className="page-head">
        <h1>{report.name}</h1>
        <div className="row">
          <CopyLinkButton path={`/reports/${report.id}`} />
          {editable ? (
            <>
              <button type="button" className="small" onClick={() => setEditing(true)}>
                Edit name and notes
              </button>
              <ConfirmButton
                question={`Delete the report “${report.name}”? The runs stay.`}
                disabled={deleteState.fetching}
                onConfirm={async () => {
                  const result = await remove(
                    { id: report.id },
                    { additionalTypenames: ['Report'] },
                  );
                  if (!result.error) router.push('/reports');
                }}
              >
                Delete report
              </ConfirmButton>
            </>
          ) : null}
        </div>
      </div>
      <ErrorMessage message={describeError(deleteState.error)} />
      <p className="muted">
        Saved <CreatedBy user={report.createdBy} /> · {formatDateTime(report.createdAt)}
        {report.updatedAt !== report.createdAt
          ? ` · changed ${formatDateTime(report.updatedAt)}`
          : ''}
      </p>
      <div className="notes" data-testid="report-notes">
        {report.notes ? <Markdown notes={report.notes} /> : <p className="muted">No notes.</p>}
      </div>
    </>
  );
}

/** "Save this view to the report" for its author and admins: the view as it is now replaces the saved one. */
function SaveViewButton({ reportId, view }: { reportId: string; view: View }) {
  const [updateState, update] = useMutation(UpdateReportDocument);
  const [saved, setSaved] = useState(false);
  return (
    <div className="row">
      <button
        type="button"
        className="small"
        disabled={updateState.fetching}
        onClick={async () => {
          setSaved(false);
          const result = await update({ id: reportId, input: { view } });
          setSaved(!result.error);
        }}
      >
        Save this view to the report
      </button>
      <span role="status" className="muted">
        {saved ? 'View saved.' : ''}
      </span>
      <ErrorMessage message={describeError(updateState.error)} />
    </div>
  );
}

/** A saved report: its name and notes, and the comparison or sweep grid it restores. */
export function ReportView({ reportId }: { reportId: string }) {
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({
    query: ReportDocument,
    variables: { id: reportId },
  });
  const report = data?.report;
  if (error) return <ErrorMessage message={describeError(error)} />;
  if (fetching && !report) return <p className="muted">Loading the report…</p>;
  if (!report)
    return (
      <>
        <h1>Report not found</h1>
        <p className="alert info">
          No report {reportId} in this workspace. <Link href="/reports">All reports</Link>
        </p>
      </>
    );
  const editable = canEdit(session?.workspace.role, report.createdBy?.id, session?.me.id);
  const view = report.view as View;
  const viewHeading = (title: ReactNode, current: View) => (
    <div className="row" style={{ justifyContent: 'space-between' }}>
      <h2>{title}</h2>
      {editable ? <SaveViewButton reportId={report.id} view={current} /> : null}
    </div>
  );
  return (
    <>
      <ReportDetails report={report} editable={editable} />
      {view.kind === 'compare' ? (
        <ComparePlayer
          key={report.id}
          initial={view}
          heading={(runs, current) => viewHeading(`Comparison of ${runs.length} runs`, current)}
        />
      ) : view.kind === 'sweep' ? (
        <SweepPlayer
          key={report.id}
          initial={view}
          heading={(name, current) =>
            viewHeading(
              <>
                Sweep <Link href={sweepLink(current)}>{name}</Link>
              </>,
              current,
            )
          }
        />
      ) : (
        <p className="alert info">
          This dashboard cannot show a view of kind {(view as { kind: string }).kind}.
        </p>
      )}
    </>
  );
}

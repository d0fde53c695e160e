'use client';
import { useState } from 'react';
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

/** A saved report: its name and notes, and the comparison it restores. */
export function ReportView({ reportId }: { reportId: string }) {
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({
    query: ReportDocument,
    variables: { id: reportId },
  });
  const [updateState, update] = useMutation(UpdateReportDocument);
  const [viewSaved, setViewSaved] = useState(false);
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
  return (
    <>
      <ReportDetails report={report} editable={editable} />
      {view.kind === 'compare' ? (
        <ComparePlayer
          key={report.id}
          initial={view}
          heading={(runs, current) => (
            <div className="row" style={{ justifyContent: 'space-between' }}>
              <h2>Comparison of {runs.length} runs</h2>
              {editable ? (
                <div className="row">
                  <button
                    type="button"
                    className="small"
                    disabled={updateState.fetching}
                    onClick={async () => {
                      setViewSaved(false);
                      const result = await update({ id: report.id, input: { view: current } });
                      setViewSaved(!result.error);
                    }}
                  >
                    Save this view to the report
                  </button>
                  <span role="status" className="muted">
                    {viewSaved ? 'View saved.' : ''}
                  </span>
                  <ErrorMessage message={describeError(updateState.error)} />
                </div>
              ) : null}
            </div>
          )}
        />
      ) : (
        <p className="alert info">This dashboard cannot show a view of kind {view.kind}.</p>
      )}
    </>
  );
}

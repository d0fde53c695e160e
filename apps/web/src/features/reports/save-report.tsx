'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation } from 'urql';
import type { ReportView } from '@latent-lab/domain';
import { CreateReportDocument } from '../../gql/graphql.ts';
import { ReportForm } from './report-form.tsx';

/** "Save as report" on the compare and sweep pages: the view as it is when saved, a name and notes. */
export function SaveReport({ view }: { view: ReportView }) {
  const [open, setOpen] = useState(false);
  const [, create] = useMutation(CreateReportDocument);
  const router = useRouter();
  if (!open)
    return (
      <div className="row" style={{ marginBottom: '0.6rem' }}>
        <button type="button" onClick={() => setOpen(true)}>
          Save as report
        </button>
      </div>
    );
  return (
    <ReportForm
      initial={{ name: '', notes: '' }}
      label="Save as report"
      submitLabel="Save report"
      onCancel={() => setOpen(false)}
      onSubmit={async (details) => {
        const result = await create(
          { input: { ...details, view } },
          { additionalTypenames: ['Report'] },
        );
        const saved = result.data?.createReport;
        if (saved) router.push(`/reports/${saved.id}`);
        return result.error;
      }}
    />
  );
}

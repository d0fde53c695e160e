import type { Metadata } from 'next';
import { Suspense } from 'react';
import { NewRunView } from '../../../features/new-run/new-run-view.tsx';
import { RequireCreate } from '../../../shell/require-role.tsx';

export const metadata: Metadata = { title: 'New run' };

// ?from=<run id> (Edit and rerun) lives in the URL: the form waits under Suspense until it is known.
export default function NewRunPage() {
  return (
    <RequireCreate what="New run">
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <NewRunView />
      </Suspense>
    </RequireCreate>
  );
}

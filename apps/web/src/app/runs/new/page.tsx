import type { Metadata } from 'next';
import { NewRunView } from '../../../features/new-run/new-run-view.tsx';
import { RequireCreate } from '../../../shell/require-role.tsx';

export const metadata: Metadata = { title: 'New run' };

// ?from=<run id> (Edit and rerun) lives in the URL.
export default function NewRunPage() {
  return (
    <RequireCreate what="New run">
      <NewRunView />
    </RequireCreate>
  );
}

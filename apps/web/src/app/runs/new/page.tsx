import type { Metadata } from 'next';
import { NewRunForm } from '../../../features/new-run/new-run-form.tsx';
import { RequireCreate } from '../../../shell/require-role.tsx';

export const metadata: Metadata = { title: 'New run' };

export default function NewRunPage() {
  return (
    <RequireCreate what="New run">
      <NewRunForm />
    </RequireCreate>
  );
}

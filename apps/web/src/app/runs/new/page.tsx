import type { Metadata } from 'next';
import { NewRunForm } from '../../../components/new-run-form.tsx';
import { RequireCreate } from '../../../components/require-role.tsx';

export const metadata: Metadata = { title: 'New run' };

export default function NewRunPage() {
  return (
    <RequireCreate what="New run">
      <NewRunForm />
    </RequireCreate>
  );
}

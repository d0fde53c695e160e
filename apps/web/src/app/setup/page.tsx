import type { Metadata } from 'next';
import { SetupView } from '../../features/accounts/auth-views.tsx';

export const metadata: Metadata = { title: 'Create the owner account' };

export default function SetupPage() {
  return <SetupView />;
}

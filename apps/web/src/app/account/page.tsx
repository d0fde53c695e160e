import type { Metadata } from 'next';
import { ChangePasswordForm } from '../../features/accounts/change-password-form.tsx';

export const metadata: Metadata = { title: 'Password' };

export default function AccountPage() {
  return <ChangePasswordForm />;
}

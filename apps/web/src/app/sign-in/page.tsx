import type { Metadata } from 'next';
import { SignInView } from '../../features/accounts/auth-views.tsx';

export const metadata: Metadata = { title: 'Sign in' };

// The return path (?next=) is read from the URL.
export default function SignInPage() {
  return <SignInView />;
}

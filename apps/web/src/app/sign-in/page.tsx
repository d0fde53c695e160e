import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SignInView } from '../../features/accounts/auth-views.tsx';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  // The return path (?next=) is read with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <SignInView />
    </Suspense>
  );
}

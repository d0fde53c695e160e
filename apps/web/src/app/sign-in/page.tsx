import type { Metadata } from 'next';
import { urlStatePage } from '../../components/url-state-page.tsx';
import { SignInView } from '../../features/accounts/auth-views.tsx';

export const metadata: Metadata = { title: 'Sign in' };

// The return path (?next=) is read from the URL.
export default urlStatePage(SignInView);

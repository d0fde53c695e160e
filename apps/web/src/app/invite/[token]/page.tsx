import type { Metadata } from 'next';
import { InviteView } from '../../../features/accounts/invite-view.tsx';

export const metadata: Metadata = { title: 'Join a workspace' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InviteView token={decodeURIComponent(token)} />;
}

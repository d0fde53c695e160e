'use client';
import { useSession } from '../shell/session.tsx';

/** "by <name>" ("by you" for the signed-in user); nothing for built-ins and older data. */
export function CreatedBy({
  user,
  prefix = 'by ',
}: {
  user: { id: string; name: string } | null | undefined;
  prefix?: string;
}) {
  const session = useSession();
  if (!user) return null;
  const you = session?.me.id === user.id;
  return (
    <span data-testid="created-by" data-user-id={user.id}>
      {prefix}
      {user.name}
      {you ? ' (you)' : ''}
    </span>
  );
}

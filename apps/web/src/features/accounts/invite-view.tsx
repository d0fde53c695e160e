'use client';
// The invitation link's page: who invites you where and as what, then join.
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useClient, useQuery } from 'urql';
import {
  AcceptInvitationDocument,
  InvitationPreviewDocument,
  MeDocument,
} from '../../gql/graphql.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { isUnauthenticated } from '../../lib/client.ts';
import { describeError } from '../../lib/errors.ts';
import { ROLE_LABELS } from '../../lib/roles.ts';
import { useSessionActions } from '../../shell/session.tsx';
import { AccountForm, accountErrors, useSignIn, useSignUp } from './account-form.tsx';

/** The invite page's words for a link that cannot be used, whatever the reason. */
const INVITATION_GONE =
  'This invitation link is no longer valid: it was used, revoked or has expired. Ask for a new one.';

/**
 * An invitation link: who invites you where and as what, then sign up or sign in (or use the
 * current session) and join. A dead link says so instead, with no form to fill in vain.
 */
export function InviteView({ token }: { token: string }) {
  const router = useRouter();
  const client = useClient();
  const actions = useSessionActions();
  const signIn = useSignIn();
  const signUp = useSignUp();
  const [preview] = useQuery({
    query: InvitationPreviewDocument,
    variables: { token },
    requestPolicy: 'network-only',
  });
  const [me] = useQuery({ query: MeDocument, requestPolicy: 'network-only' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Used or revoked since the page asked: the submit's refusal turns the page into the dead link's.
  const [refused, setRefused] = useState(false);

  /** Whether the API refused the invitation itself: then the whole page says so, form gone. */
  function refusedInvitation(errors: Record<string, string>): boolean {
    if (errors['token'] === undefined) return false;
    setRefused(true);
    return true;
  }

  async function accept(): Promise<Record<string, string> | null> {
    const result = await client.mutation(AcceptInvitationDocument, { token }).toPromise();
    if (result.error || !result.data) {
      if (refusedInvitation(accountErrors(result.error))) return null;
      const message = describeError(result.error) ?? 'The invitation could not be accepted.';
      setError(message);
      return { form: message };
    }
    actions.signedIn(result.data.acceptInvitation.id);
    router.replace('/');
    return null;
  }

  const invitation = preview.data?.invitation;
  if (refused || (preview.data && !invitation))
    return (
      <div className="panel narrow">
        <h1>Join a workspace</h1>
        <p className="alert error" role="alert" data-testid="invitation-gone">
          {INVITATION_GONE}
        </p>
        <p className="muted">
          <Link href="/sign-in">Go to sign-in</Link>
        </p>
      </div>
    );

  const signedIn = me.data?.me;
  const checking = (preview.fetching && !preview.data) || (me.fetching && !me.data && !me.error);
  return (
    <div className="panel narrow">
      <h1>Join a workspace</h1>
      {invitation ? (
        <p data-testid="invitation-preview">
          <strong>{invitation.inviterName}</strong> invited you to join{' '}
          <strong>{invitation.workspaceName}</strong> as{' '}
          <strong>{ROLE_LABELS[invitation.role].toLowerCase()}</strong>.
        </p>
      ) : null}
      <ErrorMessage message={describeError(preview.error) ?? error} />
      {checking ? <p className="muted">Checking…</p> : null}
      {invitation && signedIn ? (
        <>
          <p>
            You are signed in as <strong>{signedIn.name}</strong> ({signedIn.email}).
          </p>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              await accept();
              setBusy(false);
            }}
          >
            Accept invitation
          </button>
        </>
      ) : null}
      {invitation && isUnauthenticated(me.error) ? (
        <div className="auth-columns">
          <section>
            <h2>New here? Create an account</h2>
            <AccountForm
              label="Create an account"
              submitLabel="Create account and join"
              withName
              onSubmit={async (values) => {
                const errors = await signUp(values, token);
                if (errors) return refusedInvitation(errors) ? null : errors;
                actions.signedIn();
                router.replace('/');
                return null;
              }}
            />
          </section>
          <section>
            <h2>Have an account? Sign in</h2>
            <AccountForm
              label="Sign in"
              submitLabel="Sign in and join"
              withName={false}
              onSubmit={async (values) => (await signIn(values)) ?? accept()}
            />
          </section>
        </div>
      ) : null}
      {me.error && !isUnauthenticated(me.error) ? (
        <ErrorMessage message={describeError(me.error)} />
      ) : null}
      <p className="muted">
        <Link href="/sign-in">Go to sign-in</Link>
      </p>
    </div>
  );
}

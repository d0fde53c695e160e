'use client';
// The setup and sign-in pages.
import { useEffect, useState } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from 'urql';
import { SetupDocument } from '../../gql/graphql.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { describeError } from '../../lib/errors.ts';
import { safeNext } from '../../lib/auth-paths.ts';
import { useSessionActions } from '../../shell/session.tsx';
import { AccountForm, useSignIn, useSignUp } from './account-form.tsx';

/** The first visit to a fresh installation: the owner account (no default password anywhere). */
export function SetupView() {
  const router = useRouter();
  const actions = useSessionActions();
  const signUp = useSignUp();
  const [setup] = useQuery({ query: SetupDocument, requestPolicy: 'network-only' });
  const needsOwner = setup.data?.setup.needsOwner;
  // Once this page made the owner, the answer changes: that is not a reason to go to sign-in.
  const [created, setCreated] = useState(false);
  useEffect(() => {
    if (needsOwner === false && !created) router.replace('/sign-in');
  }, [needsOwner, created, router]);

  return (
    <div className="panel narrow">
      <h1>Create the owner account</h1>
      <p>
        Welcome to Latent Lab. This installation has no accounts yet: the first account owns the
        first workspace and can invite the rest of the team.
      </p>
      <ErrorMessage message={describeError(setup.error)} />
      {needsOwner ? (
        <AccountForm
          label="Owner account"
          submitLabel="Create the owner account"
          withName
          onSubmit={async (values) => {
            const errors = await signUp(values);
            if (errors) return errors;
            setCreated(true);
            actions.signedIn();
            router.replace('/');
            return null;
          }}
        />
      ) : (
        <p className="muted">Checking…</p>
      )}
    </div>
  );
}

/** Sign-in, and sign-up when the installation's policy is open. */
export function SignInView() {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params?.get('next'));
  const actions = useSessionActions();
  const signIn = useSignIn();
  const signUp = useSignUp();
  const [setup] = useQuery({ query: SetupDocument, requestPolicy: 'network-only' });
  const needsOwner = setup.data?.setup.needsOwner;
  useEffect(() => {
    if (needsOwner) router.replace('/setup');
  }, [needsOwner, router]);
  const open = setup.data?.setup.signupPolicy === 'open';

  const done = () => {
    actions.signedIn();
    router.replace(next);
    return null;
  };

  return (
    <div className={open ? 'auth-columns' : 'panel narrow'}>
      <section className={open ? 'panel' : undefined}>
        <h1>Sign in</h1>
        <AccountForm
          label="Sign in"
          submitLabel="Sign in"
          withName={false}
          onSubmit={async (values) => (await signIn(values)) ?? done()}
        />
        {!open ? (
          <p className="muted">New here? Ask a workspace admin for an invitation link.</p>
        ) : null}
      </section>
      {open ? (
        <section className="panel">
          <h2>Create an account</h2>
          <AccountForm
            label="Create an account"
            submitLabel="Create account"
            withName
            onSubmit={async (values) => (await signUp(values)) ?? done()}
          />
        </section>
      ) : null}
    </div>
  );
}

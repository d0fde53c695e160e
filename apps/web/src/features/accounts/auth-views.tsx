'use client';
import { useEffect, useId, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useClient, useQuery } from 'urql';
import { MIN_PASSWORD_LENGTH } from '@latent-lab/domain';
import { describeError, fieldErrors } from '../../lib/errors.ts';
import { isUnauthenticated } from '../../lib/client.ts';
import { AcceptInvitationMutation, SignInMutation, SignUpMutation } from './documents.ts';
import { MeQuery, SetupQuery } from '../../shell/documents.ts';
import { ErrorMessage, FieldError } from '../../components/bits.tsx';
import { safeNext } from '../../lib/auth-paths.ts';
import { useSessionActions } from '../../shell/session.tsx';

type Fields = 'name' | 'email' | 'password';

/** Email and password, and a name when signing up; every error next to its field. */
function AccountForm({
  label,
  submitLabel,
  withName,
  onSubmit,
}: {
  label: string;
  submitLabel: string;
  withName: boolean;
  onSubmit: (values: Record<Fields, string>) => Promise<Record<string, string> | null>;
}) {
  const id = useId();
  const [values, setValues] = useState<Record<Fields, string>>({
    name: '',
    email: '',
    password: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const failed = await onSubmit(values);
    setBusy(false);
    setErrors(failed ?? {});
  }

  const field = (name: Fields, text: string, type: string, autoComplete: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{text}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        type={type}
        autoComplete={autoComplete}
        value={values[name]}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        required
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
      />
      <FieldError id={`${id}-${name}-error`} message={errors[name]} />
    </div>
  );

  return (
    <form className="auth-form" onSubmit={submit} aria-label={label} noValidate>
      <ErrorMessage message={errors['form']} />
      {withName ? field('name', 'Name', 'text', 'name') : null}
      {field('email', 'Email', 'email', 'email')}
      {field('password', 'Password', 'password', withName ? 'new-password' : 'current-password')}
      {withName ? (
        <p className="muted small-print">At least {MIN_PASSWORD_LENGTH} characters.</p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

/** Errors of the account forms: the API's fields, or the whole form (a wrong password). */
function accountErrors(error: Parameters<typeof fieldErrors>[0]): Record<string, string> {
  const errors = fieldErrors(error);
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const target = ['name', 'email', 'password'].includes(key) ? key : 'form';
    out[target] = out[target] === undefined ? message : `${out[target]} ${message}`;
  }
  return out;
}

function useSignUp() {
  const client = useClient();
  return async (values: Record<Fields, string>, invitationToken?: string) => {
    const result = await client
      .mutation(SignUpMutation, { input: { ...values, invitationToken } })
      .toPromise();
    return result.error ? accountErrors(result.error) : null;
  };
}

function useSignIn() {
  const client = useClient();
  return async (values: Record<Fields, string>) => {
    const result = await client
      .mutation(SignInMutation, { input: { email: values.email, password: values.password } })
      .toPromise();
    return result.error ? accountErrors(result.error) : null;
  };
}

/** The first visit to a fresh installation: the owner account (no default password anywhere). */
export function SetupView() {
  const router = useRouter();
  const actions = useSessionActions();
  const signUp = useSignUp();
  const [setup] = useQuery({ query: SetupQuery, requestPolicy: 'network-only' });
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
  const [setup] = useQuery({ query: SetupQuery, requestPolicy: 'network-only' });
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

/** An invitation link: sign up or sign in (or use the current session), then join. */
export function InviteView({ token }: { token: string }) {
  const router = useRouter();
  const client = useClient();
  const actions = useSessionActions();
  const signIn = useSignIn();
  const signUp = useSignUp();
  const [me] = useQuery({ query: MeQuery, requestPolicy: 'network-only' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function accept(): Promise<Record<string, string> | null> {
    const result = await client.mutation(AcceptInvitationMutation, { token }).toPromise();
    if (result.error || !result.data) {
      const message = describeError(result.error) ?? 'The invitation could not be accepted.';
      setError(message);
      return { form: message };
    }
    actions.signedIn(result.data.acceptInvitation.id);
    router.replace('/');
    return null;
  }

  const signedIn = me.data?.me;
  return (
    <div className="panel narrow">
      <h1>Join a workspace</h1>
      <p>You were invited to a Latent Lab workspace.</p>
      <ErrorMessage message={error} />
      {me.fetching && !me.data && !me.error ? <p className="muted">Checking…</p> : null}
      {signedIn ? (
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
      {isUnauthenticated(me.error) ? (
        <div className="auth-columns">
          <section>
            <h2>New here? Create an account</h2>
            <AccountForm
              label="Create an account"
              submitLabel="Create account and join"
              withName
              onSubmit={async (values) => {
                const errors = await signUp(values, token);
                if (errors) return errors;
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

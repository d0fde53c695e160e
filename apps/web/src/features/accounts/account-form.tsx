'use client';
import { SignInDocument, SignUpDocument } from '../../gql/graphql.ts';
import { useId, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import { MIN_PASSWORD_LENGTH } from '@latent-lab/domain';
import { fieldErrors, placeFieldErrors } from '../../lib/errors.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { Field, invalidProps } from '../../components/field.tsx';

export type Fields = 'name' | 'email' | 'password';

/** Email and password, and a name when signing up; every error next to its field. */
export function AccountForm({
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
    <Field id={`${id}-${name}`} label={text} error={errors[name]}>
      <input
        id={`${id}-${name}`}
        name={name}
        type={type}
        autoComplete={autoComplete}
        value={values[name]}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        required
        {...invalidProps(`${id}-${name}`, errors[name])}
      />
    </Field>
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

/**
 * Errors of the account forms: the API's fields, or the whole form (a wrong password). A refused
 * invitation keeps its own key, token: the invite page says in words that the link is dead.
 */
export const accountErrors = (error: Parameters<typeof fieldErrors>[0]) =>
  placeFieldErrors(fieldErrors(error), new Set(['name', 'email', 'password', 'token']));

export function useSignUp() {
  const client = useClient();
  return async (values: Record<Fields, string>, invitationToken?: string) => {
    const result = await client
      .mutation(SignUpDocument, { input: { ...values, invitationToken } })
      .toPromise();
    return result.error ? accountErrors(result.error) : null;
  };
}

export function useSignIn() {
  const client = useClient();
  return async (values: Record<Fields, string>) => {
    const result = await client
      .mutation(SignInDocument, { input: { email: values.email, password: values.password } })
      .toPromise();
    return result.error ? accountErrors(result.error) : null;
  };
}

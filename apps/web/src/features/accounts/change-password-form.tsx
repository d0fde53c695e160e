'use client';
import { ChangePasswordDocument } from '../../gql/graphql.ts';
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { fieldErrors } from '../../lib/errors.ts';
import { ErrorMessage, FieldError } from '../../components/bits.tsx';

/** A new password; every other session of the account is signed out (this one stays). */
export function ChangePasswordForm() {
  const id = useId();
  const [state, changePassword] = useMutation(ChangePasswordDocument);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [changed, setChanged] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChanged(false);
    const result = await changePassword({ input: { currentPassword, newPassword } });
    if (result.error || !result.data) return setErrors(fieldErrors(result.error));
    setErrors({});
    setCurrentPassword('');
    setNewPassword('');
    setChanged(true);
  }

  const field = (name: 'currentPassword' | 'newPassword', label: string, value: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type="password"
        autoComplete={name === 'newPassword' ? 'new-password' : 'current-password'}
        value={value}
        onChange={(e) =>
          (name === 'newPassword' ? setNewPassword : setCurrentPassword)(e.target.value)
        }
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
      />
      <FieldError id={`${id}-${name}-error`} message={errors[name]} />
    </div>
  );

  return (
    <>
      <div className="page-head">
        <h1>Password</h1>
      </div>
      <form className="panel" onSubmit={submit} aria-label="Change password" noValidate>
        <p className="muted">
          Changing your password signs you out everywhere else (other browsers and devices); API
          tokens keep working until revoked.
        </p>
        <ErrorMessage message={errors['form']} />
        {changed ? (
          <p className="alert" role="status">
            Password changed; your other sessions are signed out.
          </p>
        ) : null}
        {field('currentPassword', 'Current password', currentPassword)}
        {field('newPassword', 'New password', newPassword)}
        <button type="submit" className="primary" disabled={state.fetching}>
          Change password
        </button>
      </form>
    </>
  );
}

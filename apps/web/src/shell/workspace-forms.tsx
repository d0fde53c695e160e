'use client';
import { CreateWorkspaceDocument } from '../gql/graphql.ts';
import { useId, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation } from 'urql';
import { fieldErrors } from '../lib/errors.ts';
import { ROLE_LABELS } from '../lib/roles.ts';
import { FieldError } from '../components/bits.tsx';
import { useSession, useSessionActions } from './session-context.ts';

/** A new workspace owned by the user; it becomes the current one. */
export function CreateWorkspaceForm() {
  const id = useId();
  const router = useRouter();
  const actions = useSessionActions();
  const [name, setName] = useState('');
  const [state, create] = useMutation(CreateWorkspaceDocument);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ name });
    if (result.error || !result.data) return setErrors(fieldErrors(result.error));
    actions.switchWorkspace(result.data.createWorkspace.id);
    router.push('/');
  }

  return (
    <form onSubmit={submit} aria-label="Create workspace" noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Workspace name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          aria-invalid={errors['name'] || errors['form'] ? true : undefined}
          aria-describedby={errors['name'] || errors['form'] ? `${id}-error` : undefined}
        />
        <FieldError id={`${id}-error`} message={errors['name'] ?? errors['form']} />
      </div>
      <button type="submit" className="primary" disabled={state.fetching || !name.trim()}>
        Create workspace
      </button>
    </form>
  );
}

/** The current workspace, and the others the user belongs to (kept in localStorage and a cookie). */
export function WorkspaceSwitcher() {
  const id = useId();
  const session = useSession();
  const actions = useSessionActions();
  if (!session) return null;
  const { me, workspace } = session;
  return (
    <div className="workspace-switcher">
      <label htmlFor={`${id}-workspace`} className="visually-hidden">
        Workspace
      </label>
      <select
        id={`${id}-workspace`}
        value={workspace.id}
        onChange={(e) => actions.switchWorkspace(e.target.value)}
        data-testid="workspace-switcher"
      >
        {me.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({ROLE_LABELS[w.role].toLowerCase()})
          </option>
        ))}
      </select>
    </div>
  );
}

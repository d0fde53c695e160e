'use client';
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { Role } from '../../gql/graphql.ts';
import { describeError, fieldErrors } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { ApiTokensQuery, CreateApiTokenMutation, RevokeApiTokenMutation } from './documents.ts';
import { ROLE_LABELS, tokenRoles } from '../../lib/roles.ts';
import { ErrorMessage, FieldError } from '../../components/bits.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { useSession } from '../../shell/session.tsx';

/** The new token's secret: shown here once, never again. */
function NewSecret({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const id = useId();
  return (
    <div className="panel secret-box" role="region" aria-label="New token" data-testid="new-token">
      <label htmlFor={`${id}-secret`}>
        The secret of “{name}”: copy it now, it is shown only once
      </label>
      <div className="row">
        <input
          id={`${id}-secret`}
          className="mono"
          readOnly
          value={token}
          onFocus={(e) => e.target.select()}
          data-testid="token-secret"
        />
        <CopyButton text={token} label="Copy token" />
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <p className="muted small-print">
        Send it as <code>Authorization: Bearer &lt;token&gt;</code>; it works in this workspace
        only.
      </p>
    </div>
  );
}

export function TokensView() {
  const id = useId();
  const session = useSession();
  const workspace = session!.workspace;
  const roles = tokenRoles(workspace.role);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ApiTokensQuery,
    requestPolicy: 'cache-and-network',
  });
  const [createState, create] = useMutation(CreateApiTokenMutation);
  const [revokeState, revoke] = useMutation(RevokeApiTokenMutation);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('MEMBER') ? 'MEMBER' : 'VIEWER');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ input: { name, role } });
    if (result.error || !result.data) return setErrors(fieldErrors(result.error));
    setErrors({});
    setName('');
    setSecret({
      name: result.data.createApiToken.apiToken.name,
      token: result.data.createApiToken.token,
    });
    reload();
  }

  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
      </div>
      <p className="muted">
        Tokens let scripts and CI use the API of <strong>{workspace.name}</strong> with a role of at
        most yours ({ROLE_LABELS[workspace.role].toLowerCase()}).
      </p>
      {secret ? (
        <NewSecret name={secret.name} token={secret.token} onDone={() => setSecret(null)} />
      ) : null}
      <form className="panel" onSubmit={submit} aria-label="New token" noValidate>
        <h2 style={{ marginTop: 0 }}>New token</h2>
        <ErrorMessage message={errors['form'] ?? errors['role']} />
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div className="field">
            <label htmlFor={`${id}-name`}>Token name</label>
            <input
              id={`${id}-name`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={errors['name'] ? true : undefined}
              aria-describedby={errors['name'] ? `${id}-name-error` : undefined}
            />
            <FieldError id={`${id}-name-error`} message={errors['name']} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-role`}>Token role</label>
            <select
              id={`${id}-role`}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="primary" disabled={createState.fetching}>
          Create token
        </button>
      </form>
      <ErrorMessage message={describeError(error) ?? describeError(revokeState.error)} />
      {fetching && !data ? <p className="muted">Loading tokens…</p> : null}
      {data && data.apiTokens.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      {data && data.apiTokens.length > 0 ? (
        <div className="panel" style={{ overflowX: 'auto' }}>
          <table aria-label="API tokens" className="stack-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.apiTokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td data-label="Role">{ROLE_LABELS[token.role]}</td>
                  <td data-label="Created">{formatDateTime(token.createdAt)}</td>
                  <td data-label="Last used">
                    {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small danger"
                      disabled={revokeState.fetching}
                      aria-label={`Revoke ${token.name}`}
                      onClick={async () => {
                        if (!window.confirm(`Revoke “${token.name}”? It stops working at once.`))
                          return;
                        const result = await revoke(
                          { id: token.id },
                          { additionalTypenames: ['ApiToken'] },
                        );
                        if (!result.error) reload();
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

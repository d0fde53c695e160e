'use client';
import {
  ApiTokensDocument,
  CreateApiTokenDocument,
  RevokeApiTokenDocument,
} from '../../gql/graphql.ts';
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { Role } from '../../gql/graphql.ts';
import { describeError, fieldErrors } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { ROLE_LABELS, tokenRoles } from '../../lib/roles.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { RoleSelect } from '../../components/option-select.tsx';
import { Field, invalidProps } from '../../components/field.tsx';
import { ConfirmButton, StackTable } from '../../components/stack-table.tsx';
import { CopyField } from '../../components/copy-button.tsx';
import { useSession } from '../../shell/session.tsx';

/** The new token's secret: shown here once, never again. */
function NewSecret({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  return (
    <div className="panel secret-box" role="region" aria-label="New token" data-testid="new-token">
      <CopyField
        label={`The secret of “${name}”: copy it now, it is shown only once`}
        text={token}
        copyLabel="Copy token"
        testId="token-secret"
      >
        <button type="button" onClick={onDone}>
          Done
        </button>
      </CopyField>
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
    query: ApiTokensDocument,
    requestPolicy: 'cache-and-network',
  });
  const [createState, create] = useMutation(CreateApiTokenDocument);
  const [revokeState, revoke] = useMutation(RevokeApiTokenDocument);
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
          <Field id={`${id}-name`} label="Token name" error={errors['name']}>
            <input
              id={`${id}-name`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              {...invalidProps(`${id}-name`, errors['name'])}
            />
          </Field>
          <Field id={`${id}-role`} label="Token role">
            <RoleSelect id={`${id}-role`} options={roles} value={role} onChange={setRole} />
          </Field>
        </div>
        <button type="submit" className="primary" disabled={createState.fetching}>
          Create token
        </button>
      </form>
      <ErrorMessage message={describeError(error) ?? describeError(revokeState.error)} />
      {fetching && !data ? <p className="muted">Loading tokens…</p> : null}
      {data && data.apiTokens.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      {data && data.apiTokens.length > 0 ? (
        <StackTable label="API tokens" columns={['Name', 'Role', 'Created', 'Last used']} panel>
          {data.apiTokens.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td data-label="Role">{ROLE_LABELS[token.role]}</td>
              <td data-label="Created">{formatDateTime(token.createdAt)}</td>
              <td data-label="Last used">
                {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}
              </td>
              <td>
                <ConfirmButton
                  question={`Revoke “${token.name}”? It stops working at once.`}
                  disabled={revokeState.fetching}
                  label={`Revoke ${token.name}`}
                  onConfirm={async () => {
                    const result = await revoke(
                      { id: token.id },
                      { additionalTypenames: ['ApiToken'] },
                    );
                    if (!result.error) reload();
                  }}
                >
                  Revoke
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </StackTable>
      ) : null}
    </>
  );
}

'use client';
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  InvitationsDocument,
  InviteMemberDocument,
  RevokeInvitationDocument,
  type Role,
} from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { ROLE_LABELS } from '../../lib/roles.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { RoleSelect } from '../../components/option-select.tsx';
import { CopyField } from '../../components/copy-button.tsx';
import { ConfirmButton, StackTable } from '../../components/stack-table.tsx';

interface Invitation {
  url: string;
  role: Role;
  expiresAt: string;
}

/** Admins: invitations not yet used nor expired; revoking one makes its link stop working. */
export function PendingInvitations({ workspaceId, myRole }: { workspaceId: string; myRole: Role }) {
  const headingId = useId();
  const [{ data, error }, refetch] = useQuery({
    query: InvitationsDocument,
    variables: { workspaceId },
    requestPolicy: 'network-only',
  });
  const [revokeState, revoke] = useMutation(RevokeInvitationDocument);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const invitations = data?.invitations ?? [];

  async function revokeInvitation(id: string) {
    setRevokeError(null);
    const result = await revoke({ workspaceId, id });
    if (result.error) setRevokeError(describeError(result.error));
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <section className="panel" aria-labelledby={`${headingId}-heading`}>
      <h2 id={`${headingId}-heading`} style={{ marginTop: 0 }}>
        Pending invitations
      </h2>
      <ErrorMessage message={describeError(error) ?? revokeError} />
      {invitations.length === 0 ? (
        <p className="muted">No invitation is waiting to be used.</p>
      ) : (
        <StackTable label="Pending invitations" columns={['Role', 'Sent by', 'Expires']}>
          {invitations.map((invitation) => (
            <tr key={invitation.id} data-invitation={invitation.id}>
              <td data-label="Role">{ROLE_LABELS[invitation.role]}</td>
              <td data-label="Sent by">{invitation.createdBy?.name ?? 'a former member'}</td>
              <td data-label="Expires">{formatDateTime(invitation.expiresAt)}</td>
              <td>
                {invitation.role !== 'OWNER' || myRole === 'OWNER' ? (
                  <ConfirmButton
                    question="Revoke this invitation? Its link will stop working."
                    disabled={revokeState.fetching}
                    onConfirm={() => revokeInvitation(invitation.id)}
                  >
                    Revoke
                  </ConfirmButton>
                ) : null}
              </td>
            </tr>
          ))}
        </StackTable>
      )}
      <p className="muted">
        When accepted, an invitation grants at most the role its sender has at that moment.
      </p>
    </section>
  );
}

export function InviteForm({
  workspaceId,
  roles,
  onInvited,
}: {
  workspaceId: string;
  roles: Role[];
  onInvited: () => void;
}) {
  const id = useId();
  const [role, setRole] = useState<Role>('MEMBER');
  const [state, invite] = useMutation(InviteMemberDocument);
  const [invitation, setInvitation] = useState<Invitation | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await invite({ workspaceId, role });
    if (result.data) {
      setInvitation(result.data.inviteMember);
      onInvited();
    }
  }

  return (
    <form className="panel" onSubmit={submit} aria-label="Invite someone">
      <h2 style={{ marginTop: 0 }}>Invite someone</h2>
      <p className="muted">
        An invitation is a link for one person, usable once; send it yourself (no e-mail is sent).
      </p>
      <div className="row">
        <label htmlFor={`${id}-role`}>Role</label>
        <RoleSelect id={`${id}-role`} options={roles} value={role} onChange={setRole} />
        <button type="submit" className="primary" disabled={state.fetching}>
          Create invitation link
        </button>
      </div>
      <ErrorMessage message={describeError(state.error)} />
      {invitation ? (
        <div className="secret-box" data-testid="invitation">
          <CopyField
            label={`Invitation link (${ROLE_LABELS[invitation.role].toLowerCase()}, expires ${formatDateTime(invitation.expiresAt)})`}
            text={invitation.url}
            copyLabel="Copy link"
            testId="invitation-url"
          />
        </div>
      ) : null}
    </form>
  );
}

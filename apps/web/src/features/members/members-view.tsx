'use client';
import { useId, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import type { Role } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import {
  InvitationsQuery,
  InviteMemberMutation,
  LeaveWorkspaceMutation,
  MembersQuery,
  RemoveMemberMutation,
  RevokeInvitationMutation,
  UpdateMemberRoleMutation,
} from './documents.ts';
import { canManageMember, grantableRoles, ROLE_LABELS, ROLES } from '../../lib/roles.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { useSession, useSessionActions } from '../../shell/session.tsx';

interface Invitation {
  url: string;
  role: Role;
  expiresAt: string;
}

/** Admins: invitations not yet used nor expired; revoking one makes its link stop working. */
function PendingInvitations({ workspaceId, myRole }: { workspaceId: string; myRole: Role }) {
  const headingId = useId();
  const [{ data, error }, refetch] = useQuery({
    query: InvitationsQuery,
    variables: { workspaceId },
    requestPolicy: 'network-only',
  });
  const [revokeState, revoke] = useMutation(RevokeInvitationMutation);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const invitations = data?.invitations ?? [];

  async function revokeInvitation(id: string) {
    if (!window.confirm('Revoke this invitation? Its link will stop working.')) return;
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
        <table aria-label="Pending invitations" className="stack-table">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Sent by</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} data-invitation={invitation.id}>
                <td data-label="Role">{ROLE_LABELS[invitation.role]}</td>
                <td data-label="Sent by">{invitation.createdBy?.name ?? 'a former member'}</td>
                <td data-label="Expires">{formatDateTime(invitation.expiresAt)}</td>
                <td>
                  {invitation.role !== 'OWNER' || myRole === 'OWNER' ? (
                    <button
                      type="button"
                      className="small danger"
                      disabled={revokeState.fetching}
                      onClick={() => revokeInvitation(invitation.id)}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">
        When accepted, an invitation grants at most the role its sender has at that moment.
      </p>
    </section>
  );
}

function InviteForm({
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
  const [state, invite] = useMutation(InviteMemberMutation);
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
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={state.fetching}>
          Create invitation link
        </button>
      </div>
      <ErrorMessage message={describeError(state.error)} />
      {invitation ? (
        <div className="secret-box" data-testid="invitation">
          <label htmlFor={`${id}-link`}>
            Invitation link ({ROLE_LABELS[invitation.role].toLowerCase()}, expires{' '}
            {formatDateTime(invitation.expiresAt)})
          </label>
          <div className="row">
            <input
              id={`${id}-link`}
              className="mono"
              readOnly
              value={invitation.url}
              onFocus={(e) => e.target.select()}
              data-testid="invitation-url"
            />
            <CopyButton text={invitation.url} label="Copy link" />
          </div>
        </div>
      ) : null}
    </form>
  );
}

export function MembersView() {
  const session = useSession();
  const actions = useSessionActions();
  const router = useRouter();
  const workspace = session!.workspace;
  const me = session!.me;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MembersQuery,
    variables: { workspaceId: workspace.id },
    requestPolicy: 'cache-and-network',
  });
  const [updateState, updateRole] = useMutation(UpdateMemberRoleMutation);
  const [removeState, remove] = useMutation(RemoveMemberMutation);
  const [leaveState, leave] = useMutation(LeaveWorkspaceMutation);
  const [actionError, setActionError] = useState<string | null>(null);
  const [invitationsVersion, setInvitationsVersion] = useState(0);
  const grantable = grantableRoles(workspace.role);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function changeRole(userId: string, name: string, role: Role) {
    setActionError(null);
    const result = await updateRole({ workspaceId: workspace.id, userId, role });
    if (result.error) setActionError(`${name}: ${describeError(result.error)}`);
    else if (userId === me.id) actions.refresh();
    reload();
  }

  async function removeMember(userId: string, name: string) {
    if (!window.confirm(`Remove ${name} from ${workspace.name}?`)) return;
    setActionError(null);
    const result = await remove({ workspaceId: workspace.id, userId });
    if (result.error) setActionError(`${name}: ${describeError(result.error)}`);
    reload();
  }

  async function leaveWorkspace() {
    if (!window.confirm(`Leave ${workspace.name}? You will need a new invitation to come back.`))
      return;
    setActionError(null);
    const result = await leave({ workspaceId: workspace.id });
    if (result.error) return setActionError(describeError(result.error));
    const next = me.workspaces.find((w) => w.id !== workspace.id);
    if (next) actions.switchWorkspace(next.id);
    actions.refresh();
    router.push('/');
  }

  const busy = updateState.fetching || removeState.fetching || leaveState.fetching;
  return (
    <>
      <div className="page-head">
        <h1>Members of {workspace.name}</h1>
        <button type="button" className="danger" onClick={leaveWorkspace} disabled={busy}>
          Leave workspace
        </button>
      </div>
      <p className="muted">
        Your role: {ROLE_LABELS[workspace.role].toLowerCase()}. Owners and admins manage members;
        members upload, run, tag and delete their own; viewers only look.
      </p>
      <ErrorMessage message={actionError} />
      <ErrorMessage message={describeError(error)} />
      {fetching && !data ? <p className="muted">Loading members…</p> : null}
      <div className="panel" style={{ overflowX: 'auto' }}>
        <table aria-label="Members" className="stack-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(data?.members ?? []).map((member) => {
              const { user } = member;
              const self = user.id === me.id;
              const manageable = canManageMember(workspace.role, member.role);
              const choices = ROLES.filter((r) => r === member.role || grantable.includes(r));
              return (
                <tr key={user.id} data-member={user.email}>
                  <td>
                    {user.name}
                    {self ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td data-label="Email">{user.email}</td>
                  <td data-label="Role">
                    {manageable ? (
                      <select
                        aria-label={`Role of ${user.name}`}
                        value={member.role}
                        disabled={busy}
                        onChange={(e) => changeRole(user.id, user.name, e.target.value as Role)}
                      >
                        {choices.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      ROLE_LABELS[member.role]
                    )}
                  </td>
                  <td data-label="Joined">{formatDateTime(member.joinedAt)}</td>
                  <td>
                    {manageable && !self ? (
                      <button
                        type="button"
                        className="small danger"
                        disabled={busy}
                        aria-label={`Remove ${user.name}`}
                        onClick={() => removeMember(user.id, user.name)}
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {grantable.length > 0 ? (
        <>
          <InviteForm
            workspaceId={workspace.id}
            roles={grantable}
            onInvited={() => setInvitationsVersion((v) => v + 1)}
          />
          {/* A new key after each invitation: the list is read again. */}
          <PendingInvitations
            key={invitationsVersion}
            workspaceId={workspace.id}
            myRole={workspace.role}
          />
        </>
      ) : null}
    </>
  );
}

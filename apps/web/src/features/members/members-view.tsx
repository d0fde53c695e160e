'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import {
  LeaveWorkspaceDocument,
  MembersDocument,
  RemoveMemberDocument,
  UpdateMemberRoleDocument,
  type Role,
} from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { canManageMember, grantableRoles, ROLE_LABELS, ROLES } from '../../lib/roles.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { RoleSelect } from '../../components/option-select.tsx';
import { ConfirmButton, StackTable } from '../../components/stack-table.tsx';
import { InviteForm, PendingInvitations } from './invitations.tsx';
import { useSession, useSessionActions } from '../../shell/session.tsx';

export function MembersView() {
  const session = useSession();
  const actions = useSessionActions();
  const router = useRouter();
  const workspace = session!.workspace;
  const me = session!.me;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MembersDocument,
    variables: { workspaceId: workspace.id },
    requestPolicy: 'cache-and-network',
  });
  const [updateState, updateRole] = useMutation(UpdateMemberRoleDocument);
  const [removeState, remove] = useMutation(RemoveMemberDocument);
  const [leaveState, leave] = useMutation(LeaveWorkspaceDocument);
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
      <StackTable label="Members" columns={['Name', 'Email', 'Role', 'Joined']} panel>
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
                  <RoleSelect
                    aria-label={`Role of ${user.name}`}
                    options={choices}
                    value={member.role}
                    disabled={busy}
                    onChange={(role) => changeRole(user.id, user.name, role)}
                  />
                ) : (
                  ROLE_LABELS[member.role]
                )}
              </td>
              <td data-label="Joined">{formatDateTime(member.joinedAt)}</td>
              <td>
                {manageable && !self ? (
                  <ConfirmButton
                    question={`Remove ${user.name} from ${workspace.name}?`}
                    disabled={busy}
                    label={`Remove ${user.name}`}
                    onConfirm={() => removeMember(user.id, user.name)}
                  >
                    Remove
                  </ConfirmButton>
                ) : null}
              </td>
            </tr>
          );
        })}
      </StackTable>
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

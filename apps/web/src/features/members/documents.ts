import { graphql } from '../../gql/index.ts';

// Members of a workspace and their invitations. Codegen reads this file and types each document.

export const MembersQuery = graphql(`
  query Members($workspaceId: ID!) {
    members(workspaceId: $workspaceId) {
      user {
        id
        email
        name
      }
      role
      joinedAt
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($workspaceId: ID!, $role: Role!) {
    inviteMember(workspaceId: $workspaceId, role: $role) {
      id
      token
      url
      role
      expiresAt
    }
  }
`);

export const InvitationsQuery = graphql(`
  query Invitations($workspaceId: ID!) {
    invitations(workspaceId: $workspaceId) {
      id
      role
      createdAt
      expiresAt
      createdBy {
        id
        name
      }
    }
  }
`);

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($workspaceId: ID!, $id: ID!) {
    revokeInvitation(workspaceId: $workspaceId, id: $id)
  }
`);

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($workspaceId: ID!, $userId: ID!, $role: Role!) {
    updateMemberRole(workspaceId: $workspaceId, userId: $userId, role: $role) {
      role
      user {
        id
      }
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($workspaceId: ID!, $userId: ID!) {
    removeMember(workspaceId: $workspaceId, userId: $userId)
  }
`);

export const LeaveWorkspaceMutation = graphql(`
  mutation LeaveWorkspace($workspaceId: ID!) {
    leaveWorkspace(workspaceId: $workspaceId)
  }
`);

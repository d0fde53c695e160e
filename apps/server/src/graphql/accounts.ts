import type { MemberRecord, Role as DomainRole, UserRecord } from '@latent-lab/domain';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext, RequestAuth } from './context.ts';
import { Role } from './enums.ts';
import {
  ApiToken,
  ApiTokenPayload,
  AuthPayload,
  ChangePasswordInput,
  CreateApiTokenInput,
  Invitation,
  InvitationPreview,
  Me,
  Member,
  PendingInvitation,
  Setup,
  SignInInput,
  SignUpInput,
  WorkspaceMembership,
} from './types.ts';

// Accounts, workspaces, members, invitations and API tokens: thin edges over AccountService.

function userOf({ id, email, name }: { id: string; email: string; name: string }) {
  return { id, email, name };
}

function memberOf(member: MemberRecord): Member {
  return { user: userOf(member.user), role: member.role, joinedAt: member.createdAt };
}

/** The workspace an admin query names, or the current one. */
async function workspaceOrCurrent(
  context: GraphQLContext,
  workspaceId: string | null,
): Promise<string> {
  return workspaceId ?? (await context.actor()).workspaceId;
}

/** A new session's payload; over HTTP the dashboard's cookie is set to it too. */
function startSession(
  auth: RequestAuth,
  { token, user }: { token: string; user: UserRecord },
): AuthPayload {
  auth.setSession?.(token);
  return { token, user: userOf(user) };
}

@Resolver()
export class AccountResolver {
  @Query(() => Setup, { description: 'Public: whether the owner account still has to be made' })
  setup(@Ctx() { services }: GraphQLContext): Promise<Setup> {
    return services.accounts.setup();
  }

  @Mutation(() => AuthPayload, {
    description:
      'Public; rate limited per address. The first account owns the first workspace; after that, under SIGNUP_POLICY=first-user, an invitation token is needed',
  })
  async signUp(
    @Ctx() { services, auth }: GraphQLContext,
    @Arg('input', () => SignUpInput) input: SignUpInput,
  ): Promise<AuthPayload> {
    return startSession(auth, await services.accounts.signUp(input, auth.address));
  }

  @Mutation(() => AuthPayload, { description: 'Public; rate limited per account and address' })
  async signIn(
    @Ctx() { services, auth }: GraphQLContext,
    @Arg('input', () => SignInInput) input: SignInInput,
  ): Promise<AuthPayload> {
    return startSession(auth, await services.accounts.signIn(input, auth.address));
  }

  @Mutation(() => Boolean, { description: 'Ends this session (an API token is revoked instead)' })
  async signOut(@Ctx() context: GraphQLContext): Promise<boolean> {
    const done = await context.services.accounts.signOut(context.identity());
    context.auth.setSession?.(null);
    return done;
  }

  @Mutation(() => Boolean, {
    description:
      'Sessions only: a new password once the current one is given; every other session of the account ends (and their sockets close)',
  })
  changePassword(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
  ): Promise<boolean> {
    return context.services.accounts.changePassword(
      context.identity(),
      input,
      context.auth.address,
    );
  }

  @Query(() => Me)
  async me(@Ctx() context: GraphQLContext): Promise<Me> {
    const { user } = context.identity();
    const workspaces = await context.services.accounts.workspaces(user);
    return {
      ...userOf(user),
      workspaces: workspaces.map(({ id, name, role }) => ({ id, name, role })),
    };
  }

  @Mutation(() => WorkspaceMembership, { description: 'A new workspace, owned by you' })
  async createWorkspace(
    @Ctx() context: GraphQLContext,
    @Arg('name', () => String) name: string,
  ): Promise<WorkspaceMembership> {
    const { id, role } = await context.services.accounts.createWorkspace(context.identity(), name);
    return { id, name: name.trim(), role };
  }

  @Mutation(() => Invitation, {
    description:
      'Admins: a single-use, expiring link for a role; it grants at most the sender’s role when accepted',
  })
  async inviteMember(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID) workspaceId: string,
    @Arg('role', () => Role) role: DomainRole,
  ): Promise<Invitation> {
    const { invitation, token, url } = await context.services.accounts.invite(
      context.identity(),
      workspaceId,
      role,
    );
    return {
      id: invitation.id,
      token,
      url,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
    };
  }

  @Query(() => [PendingInvitation], {
    description: 'Admins: invitations not yet used nor expired, newest first',
  })
  async invitations(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Default: the current one' })
    workspaceId: string | null,
  ): Promise<PendingInvitation[]> {
    const workspace = await workspaceOrCurrent(context, workspaceId);
    const invitations = await context.services.accounts.invitations(context.identity(), workspace);
    return invitations.map(({ id, role, createdBy, createdAt, expiresAt }) => ({
      id,
      role,
      createdBy: createdBy && userOf(createdBy),
      createdAt,
      expiresAt,
    }));
  }

  @Mutation(() => Boolean, {
    description: 'Admins (owners for an owner invitation): its link stops working',
  })
  revokeInvitation(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID) workspaceId: string,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return context.services.accounts.revokeInvitation(context.identity(), workspaceId, id);
  }

  @Query(() => InvitationPreview, {
    nullable: true,
    description:
      'Public; rate limited per address like signUp. What an invitation link offers now; null when it was used, revoked or has expired (or is unknown)',
  })
  invitation(
    @Ctx() { services, auth }: GraphQLContext,
    @Arg('token', () => String) token: string,
  ): Promise<InvitationPreview | null> {
    return services.accounts.previewInvitation(token, auth.address);
  }

  @Mutation(() => WorkspaceMembership, { description: 'Joins the workspace of an invitation' })
  async acceptInvitation(
    @Ctx() context: GraphQLContext,
    @Arg('token', () => String) token: string,
  ): Promise<WorkspaceMembership> {
    const { id, name, role } = await context.services.accounts.acceptInvitation(
      context.identity(),
      token,
    );
    return { id, name, role };
  }

  @Query(() => [Member])
  async members(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Default: the current one' })
    workspaceId: string | null,
  ): Promise<Member[]> {
    const workspace = await workspaceOrCurrent(context, workspaceId);
    const members = await context.services.accounts.members(context.identity(), workspace);
    return members.map(memberOf);
  }

  @Mutation(() => Member, {
    description: 'Owners alone make or unmake owners; a workspace keeps one',
  })
  async updateMemberRole(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID) workspaceId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => Role) role: DomainRole,
  ): Promise<Member> {
    const member = await context.services.accounts.updateMemberRole(
      context.identity(),
      workspaceId,
      userId,
      role,
    );
    return memberOf(member);
  }

  @Mutation(() => Boolean)
  removeMember(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID) workspaceId: string,
    @Arg('userId', () => ID) userId: string,
  ): Promise<boolean> {
    return context.services.accounts.removeMember(context.identity(), workspaceId, userId);
  }

  @Mutation(() => Boolean, { description: 'The last owner cannot leave' })
  leaveWorkspace(
    @Ctx() context: GraphQLContext,
    @Arg('workspaceId', () => ID) workspaceId: string,
  ): Promise<boolean> {
    return context.services.accounts.leaveWorkspace(context.identity(), workspaceId);
  }

  @Mutation(() => ApiTokenPayload, {
    description: 'A token for the current workspace; the secret is shown only in this answer',
  })
  async createApiToken(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput,
  ): Promise<ApiTokenPayload> {
    const { token, apiToken } = await context.services.accounts.createApiToken(
      await context.actor(),
      input,
    );
    return { token, apiToken };
  }

  @Query(() => [ApiToken], {
    description: "The current workspace's tokens (yours, or all for admins)",
  })
  async apiTokens(@Ctx() context: GraphQLContext): Promise<ApiToken[]> {
    return context.services.accounts.apiTokens(await context.actor());
  }

  @Mutation(() => Boolean, { description: 'Stops working at once, also on open WebSockets' })
  async revokeApiToken(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return context.services.accounts.revokeApiToken(await context.actor(), id);
  }
}

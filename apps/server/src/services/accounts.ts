import { createHash, randomBytes } from 'node:crypto';
import type { AuthSettings } from '@latent-lab/config';
import {
  acceptInvitation,
  changeMember,
  countUsers,
  createApiToken,
  createInvitation,
  createSession,
  createWorkspace,
  deleteApiToken,
  deleteInvitation,
  deleteSession,
  findApiToken,
  findSession,
  findUserByEmail,
  getMembership,
  getPasswordHash,
  getUsers,
  invitationInvalid,
  listApiTokens,
  listInvitations,
  listMembers,
  listMemberships,
  previewInvitation,
  setPassword,
  signUpAccount,
  type DbClient,
} from '@latent-lab/db';
import {
  atLeast,
  authorize,
  forbidden,
  invalidInput,
  notAMember,
  notFound,
  parseChangePassword,
  parseSignIn,
  parseSignUp,
  parseTokenName,
  parseWorkspaceName,
  unauthenticated,
  type Actor,
  type ApiTokenRecord,
  type InvitationRecord,
  type MemberRecord,
  type Role,
  type UserRecord,
  type WorkspaceRecord,
} from '@latent-lab/domain';
import { hash, verify } from '@node-rs/argon2';
import type { EventBus } from '../events/bus.ts';
import type { LoginLimiter } from './rate-limits.ts';

/** Who sent a request, before a workspace is chosen: a session or an API token. */
export interface Identity {
  user: UserRecord;
  via: 'session' | 'token';
  credentialId: string;
  /** An API token is bound to one workspace and role. */
  token?: { workspaceId: string; role: Role };
}

/** The secret and how it is kept: only its sha256 is stored, the secret is shown once. */
function newSecret(prefix: string): { secret: string; hash: string } {
  // 32 bytes from the operating system's CSPRNG: 256 bits, never guessable.
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: sha256(secret) };
}

function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Verified against when an email is unknown, so a wrong address costs as long as a wrong password. */
const DECOY_HASH = hash('decoy password that never matches anything');

/**
 * Accounts, sessions, workspaces, members, invitations and API tokens. Passwords are hashed with
 * argon2id (@node-rs/argon2); session, invitation and API-token secrets are 256-bit random values
 * stored as their sha256 and shown once.
 */
export class AccountService {
  constructor(
    private readonly db: DbClient,
    private readonly bus: EventBus,
    private readonly settings: AuthSettings,
    private readonly logins: LoginLimiter,
    /** Where links point (PUBLIC_URL, else the server's own URL), never a request's Host. */
    private readonly publicUrl: () => string,
  ) {}

  /** Whether the first account (the owner) still has to be created: the dashboard's first page. */
  async setup(): Promise<{ needsOwner: boolean; signupPolicy: AuthSettings['signupPolicy'] }> {
    return {
      needsOwner: (await countUsers(this.db)) === 0,
      signupPolicy: this.settings.signupPolicy,
    };
  }

  /**
   * A new account and a session. Under first-user the first account owns the first workspace
   * (the one holding data from before accounts, if any); after that only an invitation lets a
   * person in. Under open anyone signs up and gets a workspace of their own. Counted per address
   * like sign-ins (a success gives the attempt back), and a taken email is refused without saying
   * so, so trying addresses here is no faster nor more telling than through signIn.
   */
  async signUp(input: unknown, address: string): Promise<{ token: string; user: UserRecord }> {
    const { email, password, name, invitationToken } = parseSignUp(input);
    await this.logins.attempt(address);
    const { user } = await signUpAccount(this.db, {
      email,
      name,
      passwordHash: await hash(password),
      invitationHash: invitationToken ? sha256(invitationToken) : null,
      open: this.settings.signupPolicy === 'open',
      workspaceName: `${name}'s workspace`,
    });
    await this.logins.succeeded(address);
    return { token: await this.startSession(user.id), user };
  }

  /**
   * Each attempt is counted before the password is verified, per account and address pair and
   * per address; a wrong email and a wrong password read the same.
   */
  async signIn(input: unknown, address: string): Promise<{ token: string; user: UserRecord }> {
    const { email, password } = parseSignIn(input);
    await this.logins.attempt(address, email);
    const found = await findUserByEmail(this.db, email);
    const ok = found
      ? await verify(found.passwordHash, password)
      : (await verify(await DECOY_HASH, password), false);
    if (!found || !ok) throw unauthenticated('email or password is wrong');
    await this.logins.succeeded(address, email);
    return { token: await this.startSession(found.user.id), user: found.user };
  }

  /** Ends this session; an API token signing out is revoked. Its sockets close at once. */
  async signOut(identity: Identity): Promise<boolean> {
    if (identity.token)
      await deleteApiToken(this.db, identity.token.workspaceId, identity.credentialId);
    else await deleteSession(this.db, identity.credentialId);
    await this.accessChanged(identity.user.id);
    return true;
  }

  /**
   * A new password (sign-up's rules) once the current one is verified; every other session of the
   * account ends, with its open sockets. Sessions only: an API token has no password to prove.
   */
  async changePassword(identity: Identity, input: unknown, address: string): Promise<boolean> {
    if (identity.via !== 'session') throw forbidden('sign in with a password to change it');
    const { currentPassword, newPassword } = parseChangePassword(input);
    // The same limit as signing in: a borrowed session must not be a way to guess the password.
    await this.logins.attempt(address, identity.user.email);
    const currentHash = await getPasswordHash(this.db, identity.user.id);
    if (!currentHash || !(await verify(currentHash, currentPassword)))
      throw invalidInput('currentPassword', 'currentPassword is not your current password');
    await this.logins.succeeded(address, identity.user.email);
    await setPassword(this.db, {
      userId: identity.user.id,
      passwordHash: await hash(newPassword),
      keepSessionId: identity.credentialId,
    });
    await this.accessChanged(identity.user.id);
    return true;
  }

  /** The identity behind a bearer secret (session or API token), or null. */
  identify(secret: string): Promise<Identity | null> {
    const tokenHash = sha256(secret);
    return this.findIdentity(secret.startsWith('llt_') ? 'token' : 'session', { tokenHash });
  }

  /**
   * The identity as the database has it now (null once signed out, expired or revoked): a
   * credential in use for a while, such as an open WebSocket's, is checked again with this.
   */
  current(identity: Identity): Promise<Identity | null> {
    return this.findIdentity(identity.via, { id: identity.credentialId });
  }

  private async findIdentity(
    via: Identity['via'],
    where: { tokenHash: string } | { id: string },
  ): Promise<Identity | null> {
    if (via === 'token') {
      const token = await findApiToken(this.db, where);
      if (!token) return null;
      return {
        user: token.user,
        via: 'token',
        credentialId: token.id,
        token: { workspaceId: token.workspaceId, role: token.role },
      };
    }
    const session = await findSession(this.db, where);
    return session ? { user: session.user, via: 'session', credentialId: session.id } : null;
  }

  /**
   * Tells every API process that this user's authority changed (a membership, a role, a session or
   * a token): each re-checks the user's open sockets against the database and closes those that
   * lost it. Published after the change is stored, so the re-check sees it.
   */
  private accessChanged(userId: string): Promise<void> {
    return this.bus.publish({ type: 'access', userId });
  }

  /**
   * The actor of a request: an API token acts in its workspace with its role (at most its
   * creator's current role); a session in the workspace it names, or its first. null when a
   * session's user belongs to no workspace; FORBIDDEN (NOT_A_MEMBER) when the named workspace, or
   * the token's, is not theirs.
   */
  async actor(identity: Identity, workspaceId: string | null): Promise<Actor | null> {
    const base = {
      userId: identity.user.id,
      via: identity.via,
      credentialId: identity.credentialId,
    };
    if (identity.token) {
      const role = await getMembership(this.db, identity.token.workspaceId, identity.user.id);
      // The token is bound to that workspace: other memberships do not make it act elsewhere.
      if (!role)
        throw notAMember(
          `this API token belongs to workspace ${identity.token.workspaceId}, which you are no longer a member of`,
        );
      const capped = atLeast(role, identity.token.role) ? identity.token.role : role;
      return { ...base, workspaceId: identity.token.workspaceId, role: capped };
    }
    if (workspaceId) {
      const role = await getMembership(this.db, workspaceId, identity.user.id);
      if (!role) throw notAMember(`you are not a member of workspace ${workspaceId}`);
      return { ...base, workspaceId, role };
    }
    const [first] = await listMemberships(this.db, identity.user.id);
    return first ? { ...base, workspaceId: first.id, role: first.role } : null;
  }

  /** People by id, for "created by" (a removed member's name still shows). */
  users(actor: Actor, ids: readonly string[]): Promise<UserRecord[]> {
    authorize(actor, 'read');
    return getUsers(this.db, ids);
  }

  workspaces(user: UserRecord): Promise<(WorkspaceRecord & { role: Role })[]> {
    return listMemberships(this.db, user.id);
  }

  async createWorkspace(
    identity: Identity,
    name: unknown,
  ): Promise<WorkspaceRecord & { role: Role }> {
    if (identity.token) throw forbidden('an API token works in its own workspace only');
    const workspace = await createWorkspace(this.db, {
      name: parseWorkspaceName(name),
      ownerId: identity.user.id,
    });
    return { ...workspace, role: 'OWNER' };
  }

  /** An admin's single-use, expiring link for a role (owners alone invite owners). */
  async invite(
    identity: Identity,
    workspaceId: string,
    role: Role,
  ): Promise<{ invitation: InvitationRecord; token: string; url: string }> {
    const actor = await this.memberActor(identity, workspaceId);
    authorize(actor, role === 'OWNER' ? 'manageOwners' : 'manageMembers');
    const { secret, hash: tokenHash } = newSecret('lli');
    const invitation = await createInvitation(this.db, {
      workspaceId,
      role,
      createdById: identity.user.id,
      tokenHash,
      expiresAt: new Date(Date.now() + this.settings.invitationDays * DAY_MS),
    });
    return { invitation, token: secret, url: `${this.publicUrl()}/invite/${secret}` };
  }

  /** Admins: the workspace's invitations not yet used nor expired, with who sent them. */
  async invitations(
    identity: Identity,
    workspaceId: string,
  ): Promise<(InvitationRecord & { createdBy: UserRecord | null })[]> {
    authorize(await this.memberActor(identity, workspaceId), 'manageMembers');
    const invitations = await listInvitations(this.db, workspaceId);
    const senders = new Map(
      (await getUsers(this.db, [...new Set(invitations.map((i) => i.createdById))])).map((u) => [
        u.id,
        u,
      ]),
    );
    return invitations.map((i) => ({ ...i, createdBy: senders.get(i.createdById) ?? null }));
  }

  /** Admins revoke an unused invitation (owners alone one for an owner): its link stops working. */
  async revokeInvitation(identity: Identity, workspaceId: string, id: string): Promise<boolean> {
    const actor = await this.memberActor(identity, workspaceId);
    authorize(actor, 'manageMembers');
    const invitation = (await listInvitations(this.db, workspaceId)).find((i) => i.id === id);
    if (!invitation) throw notFound('invitation', id);
    if (invitation.role === 'OWNER') authorize(actor, 'manageOwners');
    if (!(await deleteInvitation(this.db, workspaceId, id))) throw notFound('invitation', id);
    return true;
  }

  /**
   * Public: what an invitation link offers now (workspace, inviter, role as it would be granted),
   * or null for a link that cannot be used, whatever the reason. Counted per address like
   * sign-ups, a valid link giving the attempt back: only dead or guessed tokens use them up.
   */
  async previewInvitation(
    token: string,
    address: string,
  ): Promise<{ workspaceName: string; inviterName: string; role: Role; expiresAt: Date } | null> {
    await this.logins.attempt(address);
    const preview = await previewInvitation(this.db, sha256(token));
    if (preview) await this.logins.succeeded(address);
    return preview;
  }

  async acceptInvitation(
    identity: Identity,
    token: string,
  ): Promise<WorkspaceRecord & { role: Role }> {
    if (identity.token) throw forbidden('an API token cannot accept invitations');
    const { workspaceId, role } = await this.accept(identity.user, token);
    const workspace = (await listMemberships(this.db, identity.user.id)).find(
      (w) => w.id === workspaceId,
    );
    return { ...workspace!, role };
  }

  async members(identity: Identity, workspaceId: string): Promise<MemberRecord[]> {
    authorize(await this.memberActor(identity, workspaceId), 'read');
    return listMembers(this.db, workspaceId);
  }

  /** Admins change members and admins; only owners make or unmake owners. */
  async updateMemberRole(
    identity: Identity,
    workspaceId: string,
    userId: string,
    role: Role,
  ): Promise<MemberRecord> {
    const actor = await this.memberActor(identity, workspaceId);
    const current = await getMembership(this.db, workspaceId, userId);
    if (!current) throw notFound('member', userId, 'userId');
    authorize(actor, current === 'OWNER' || role === 'OWNER' ? 'manageOwners' : 'manageMembers');
    await changeMember(this.db, { workspaceId, userId, role });
    await this.accessChanged(userId);
    return (await listMembers(this.db, workspaceId)).find((m) => m.user.id === userId)!;
  }

  async removeMember(identity: Identity, workspaceId: string, userId: string): Promise<boolean> {
    const actor = await this.memberActor(identity, workspaceId);
    const current = await getMembership(this.db, workspaceId, userId);
    if (!current) throw notFound('member', userId, 'userId');
    if (userId !== identity.user.id)
      authorize(actor, current === 'OWNER' ? 'manageOwners' : 'manageMembers');
    await changeMember(this.db, { workspaceId, userId, role: null });
    await this.accessChanged(userId);
    return true;
  }

  async leaveWorkspace(identity: Identity, workspaceId: string): Promise<boolean> {
    return this.removeMember(identity, workspaceId, identity.user.id);
  }

  /** A token for the actor's workspace, its role at most the actor's; the secret is shown here only. */
  async createApiToken(
    actor: Actor,
    input: { name: unknown; role: Role },
  ): Promise<{ token: string; apiToken: ApiTokenRecord }> {
    authorize(actor, 'read');
    if (!atLeast(actor.role, input.role)) {
      throw forbidden(`a token's role is at most yours (${actor.role.toLowerCase()})`);
    }
    const { secret, hash: tokenHash } = newSecret('llt');
    const apiToken = await createApiToken(this.db, {
      name: parseTokenName(input.name),
      role: input.role,
      workspaceId: actor.workspaceId,
      userId: actor.userId,
      tokenHash,
    });
    return { token: secret, apiToken };
  }

  /** Admins see every token of the workspace; others their own. */
  async apiTokens(actor: Actor): Promise<ApiTokenRecord[]> {
    authorize(actor, 'read');
    const tokens = await listApiTokens(this.db, actor.workspaceId);
    return atLeast(actor.role, 'ADMIN') ? tokens : tokens.filter((t) => t.userId === actor.userId);
  }

  /**
   * Revoked at once: the row goes, and open WebSockets using it are closed. Admins revoke others'
   * tokens, owners alone an owner's.
   */
  async revokeApiToken(actor: Actor, id: string): Promise<boolean> {
    const token = (await listApiTokens(this.db, actor.workspaceId)).find((t) => t.id === id);
    if (!token) throw notFound('API token', id);
    if (token.userId !== actor.userId) {
      authorize(actor, 'manageMembers');
      if ((await getMembership(this.db, actor.workspaceId, token.userId)) === 'OWNER')
        authorize(actor, 'manageOwners');
    }
    await deleteApiToken(this.db, actor.workspaceId, id);
    await this.accessChanged(token.userId);
    return true;
  }

  private async startSession(userId: string): Promise<string> {
    const { secret, hash: tokenHash } = newSecret('lls');
    await createSession(this.db, {
      userId,
      tokenHash,
      expiresAt: new Date(Date.now() + this.settings.sessionDays * DAY_MS),
    });
    return secret;
  }

  private async accept(user: UserRecord, token: string) {
    const accepted = await acceptInvitation(this.db, sha256(token), user.id);
    if (!accepted) throw invitationInvalid();
    return accepted;
  }

  /** The identity as a member of this workspace (NOT_FOUND when it is not theirs). */
  private async memberActor(identity: Identity, workspaceId: string): Promise<Actor> {
    if (identity.token && identity.token.workspaceId !== workspaceId)
      throw notFound('workspace', workspaceId, 'workspaceId');
    const role = await getMembership(this.db, workspaceId, identity.user.id);
    if (!role) throw notFound('workspace', workspaceId, 'workspaceId');
    const capped =
      identity.token && !atLeast(identity.token.role, role) ? identity.token.role : role;
    return {
      userId: identity.user.id,
      workspaceId,
      role: capped,
      via: identity.via,
      credentialId: identity.credentialId,
    };
  }
}

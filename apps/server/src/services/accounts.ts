import { createHash, randomBytes } from 'node:crypto';
import type { AuthSettings } from '@latent-lab/config';
import {
  acceptInvitation,
  addMember,
  changeMember,
  countUsers,
  createApiToken,
  createInvitation,
  createSession,
  createUser,
  createWorkspace,
  deleteApiToken,
  deleteSession,
  findApiToken,
  findOwnerlessWorkspace,
  findSession,
  findUserByEmail,
  getMembership,
  getUsers,
  listApiTokens,
  listMembers,
  listMemberships,
  type DbClient,
} from '@latent-lab/db';
import {
  atLeast,
  authorize,
  DomainError,
  forbidden,
  notFound,
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
   * person in. Under open anyone signs up and gets a workspace of their own.
   */
  async signUp(input: unknown): Promise<{ token: string; user: UserRecord }> {
    const { email, password, name, invitationToken } = parseSignUp(input);
    const first = (await countUsers(this.db)) === 0;
    if (!first && !invitationToken && this.settings.signupPolicy === 'first-user') {
      throw forbidden('sign-up is by invitation: ask a workspace admin for an invitation link');
    }
    const user = await createUser(this.db, { email, name, passwordHash: await hash(password) });
    if (invitationToken) {
      await this.accept(user, invitationToken);
    } else {
      const ownerless = first ? await findOwnerlessWorkspace(this.db) : null;
      if (ownerless)
        await addMember(this.db, { workspaceId: ownerless.id, userId: user.id, role: 'OWNER' });
      else await createWorkspace(this.db, { name: `${name}'s workspace`, ownerId: user.id });
    }
    return { token: await this.startSession(user.id), user };
  }

  /** Rate limited per account and per address; a wrong email and a wrong password read the same. */
  async signIn(input: unknown, address: string): Promise<{ token: string; user: UserRecord }> {
    const { email, password } = parseSignIn(input);
    await this.logins.check(email, address);
    const found = await findUserByEmail(this.db, email);
    const ok = found
      ? await verify(found.passwordHash, password)
      : (await verify(await DECOY_HASH, password), false);
    if (!found || !ok) {
      await this.logins.failed(email, address);
      throw unauthenticated('email or password is wrong');
    }
    await this.logins.succeeded(email, address);
    const { passwordHash: _hash, ...user } = found;
    return { token: await this.startSession(found.id), user };
  }

  async signOut(identity: Identity): Promise<boolean> {
    if (identity.via === 'session') await deleteSession(this.db, identity.credentialId);
    await this.bus.publish({ type: 'revoked', credentialId: identity.credentialId });
    return true;
  }

  /** The identity behind a bearer secret (session or API token), or null. */
  async identify(secret: string): Promise<Identity | null> {
    const hashed = sha256(secret);
    if (secret.startsWith('llt_')) {
      const token = await findApiToken(this.db, hashed);
      if (!token) return null;
      return {
        user: token.user,
        via: 'token',
        credentialId: token.id,
        token: { workspaceId: token.workspaceId, role: token.role },
      };
    }
    const session = await findSession(this.db, hashed);
    return session ? { user: session.user, via: 'session', credentialId: session.id } : null;
  }

  /**
   * The actor of a request: an API token acts in its workspace with its role (at most its
   * creator's current role); a session in the workspace it names, or its first. null when the
   * user belongs to no workspace; FORBIDDEN when the named workspace is not theirs.
   */
  async actor(identity: Identity, workspaceId: string | null): Promise<Actor | null> {
    const base = {
      userId: identity.user.id,
      via: identity.via,
      credentialId: identity.credentialId,
    };
    if (identity.token) {
      const role = await getMembership(this.db, identity.token.workspaceId, identity.user.id);
      if (!role) return null;
      const capped = atLeast(role, identity.token.role) ? identity.token.role : role;
      return { ...base, workspaceId: identity.token.workspaceId, role: capped };
    }
    if (workspaceId) {
      const role = await getMembership(this.db, workspaceId, identity.user.id);
      if (!role) throw forbidden(`you are not a member of workspace ${workspaceId}`);
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
  ): Promise<{ invitation: InvitationRecord; token: string }> {
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
    return { invitation, token: secret };
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
    return (await listMembers(this.db, workspaceId)).find((m) => m.user.id === userId)!;
  }

  async removeMember(identity: Identity, workspaceId: string, userId: string): Promise<boolean> {
    const actor = await this.memberActor(identity, workspaceId);
    const current = await getMembership(this.db, workspaceId, userId);
    if (!current) throw notFound('member', userId, 'userId');
    if (userId !== identity.user.id)
      authorize(actor, current === 'OWNER' ? 'manageOwners' : 'manageMembers');
    await changeMember(this.db, { workspaceId, userId, role: null });
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

  /** Revoked at once: the row goes, and open WebSockets using it are closed. */
  async revokeApiToken(actor: Actor, id: string): Promise<boolean> {
    const token = (await listApiTokens(this.db, actor.workspaceId)).find((t) => t.id === id);
    if (!token) throw notFound('API token', id);
    if (token.userId !== actor.userId) authorize(actor, 'manageMembers');
    await deleteApiToken(this.db, actor.workspaceId, id);
    await this.bus.publish({ type: 'revoked', credentialId: id });
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
    if (!accepted) {
      throw new DomainError(
        'invalid',
        'INVITATION_INVALID',
        'this invitation link was already used or has expired: ask for a new one',
        { field: 'token' },
      );
    }
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

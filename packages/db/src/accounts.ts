// People, their sessions, workspaces, memberships, invitations and API tokens. Secrets (session,
// invitation and API tokens) are stored only as their sha256; the caller makes and shows them.
import {
  atLeast,
  type ApiTokenRecord,
  type InvitationRecord,
  type MemberRecord,
  type Role,
  type UserRecord,
  type WorkspaceRecord,
} from '@latent-lab/domain';
import { DbError } from './errors.ts';
import type { Prisma } from './generated/client.ts';
import { prismaOf, sealTransaction, type DbClient } from './client.ts';
import { findByIds } from './lookups.ts';
import { isUniqueViolation, isUuid } from './prisma-errors.ts';

// Rows carry more than their records (hashes, who accepted): mappers copy only the records' fields.
function user(row: UserRecord): UserRecord {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.createdAt };
}

export function countUsers(client: DbClient): Promise<number> {
  const prisma = prismaOf(client);
  return prisma.user.count();
}

/**
 * A new account; DUPLICATE_NAME (field email) when the address is taken, in words that do not
 * say so: whoever asks learns no more than a failed sign-in would tell them.
 */
export async function createUser(
  client: DbClient,
  input: { email: string; name: string; passwordHash: string },
): Promise<UserRecord> {
  const prisma = prismaOf(client);
  try {
    return user(await prisma.user.create({ data: input }));
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DbError(
        'DUPLICATE_NAME',
        'no account can be made with this email and password: sign in if you have one',
        { cause: error, field: 'email' },
      );
    throw error;
  }
}

/**
 * Signs a person up in one transaction: the account, then its workspace. With an invitation they
 * join its workspace (INVITATION_INVALID, and no account, when it cannot be used). Otherwise the
 * first account owns the first ownerless workspace (or a new one); later ones get a workspace of
 * their own when `open`, or SIGNUP_CLOSED. Sign-ups are serialized (a table lock held for the
 * transaction), so of several first sign-ups sent together exactly one becomes the owner.
 */
export async function signUpAccount(
  client: DbClient,
  input: {
    email: string;
    name: string;
    passwordHash: string;
    invitationHash: string | null;
    open: boolean;
    workspaceName: string;
  },
): Promise<{ user: UserRecord; first: boolean }> {
  const prisma = prismaOf(client);
  const { email, name, passwordHash, invitationHash } = input;
  return prisma.$transaction(async (tx) => {
    // SHARE ROW EXCLUSIVE conflicts with itself and with inserts: one sign-up at a time counts.
    await tx.$executeRaw`LOCK TABLE "User" IN SHARE ROW EXCLUSIVE MODE`;
    const first = (await tx.user.count()) === 0;
    if (!first && !invitationHash && !input.open)
      throw new DbError(
        'SIGNUP_CLOSED',
        'sign-up is by invitation: ask a workspace admin for an invitation link',
      );
    const account = await createUser(sealTransaction(tx), { email, name, passwordHash });
    if (invitationHash) {
      if (!(await takeInvitation(tx, invitationHash, account.id))) throw invitationInvalid();
      return { user: account, first };
    }
    const ownerless = first ? await findOwnerlessWorkspace(sealTransaction(tx)) : null;
    if (ownerless)
      await tx.member.create({
        data: { workspaceId: ownerless.id, userId: account.id, role: 'OWNER' },
      });
    else
      await createWorkspace(sealTransaction(tx), {
        name: input.workspaceName,
        ownerId: account.id,
      });
    return { user: account, first };
  });
}

export function invitationInvalid(): DbError {
  return new DbError(
    'INVITATION_INVALID',
    'this invitation link was already used, revoked or has expired: ask for a new one',
    { field: 'token' },
  );
}

/** The account and its password hash, for signing in. */
export async function findUserByEmail(
  client: DbClient,
  email: string,
): Promise<{ user: UserRecord; passwordHash: string } | null> {
  const row = await prismaOf(client).user.findUnique({ where: { email } });
  return row && { user: user(row), passwordHash: row.passwordHash };
}

export async function getUsers(client: DbClient, ids: readonly string[]): Promise<UserRecord[]> {
  const rows = await findByIds(ids, (validIds) =>
    prismaOf(client).user.findMany({ where: { id: { in: validIds } } }),
  );
  return rows.map(user);
}

export async function createSession(
  client: DbClient,
  input: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<{ id: string }> {
  const prisma = prismaOf(client);
  return prisma.session.create({ data: input, select: { id: true } });
}

/**
 * The session's user, or null when the token is unknown or expired. By id: whether a session
 * already in use still holds (open WebSockets re-check it).
 */
export async function findSession(
  client: DbClient,
  where: { tokenHash: string } | { id: string },
): Promise<{ id: string; user: UserRecord } | null> {
  if ('id' in where && !isUuid(where.id)) return null;
  const session = await prismaOf(client).session.findUnique({ where, include: { user: true } });
  if (!session || session.expiresAt <= new Date()) return null;
  return { id: session.id, user: user(session.user) };
}

export async function deleteSession(client: DbClient, id: string): Promise<void> {
  const prisma = prismaOf(client);
  await prisma.session.deleteMany({ where: { id } });
}

/** The account's password hash, or null when the account is gone. */
export async function getPasswordHash(client: DbClient, userId: string): Promise<string | null> {
  const prisma = prismaOf(client);
  if (!isUuid(userId)) return null;
  const row = await prisma.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true },
  });
  return row?.passwordHash ?? null;
}

/**
 * A new password hash and every session of the account but one ended, in one transaction: no
 * session signed in with the old password outlives the change. Returns the ended sessions' ids.
 */
export async function setPassword(
  client: DbClient,
  input: { userId: string; passwordHash: string; keepSessionId: string | null },
): Promise<string[]> {
  const prisma = prismaOf(client);
  const others = {
    userId: input.userId,
    ...(input.keepSessionId ? { id: { not: input.keepSessionId } } : {}),
  };
  const [, ended] = await prisma.$transaction([
    prisma.user.update({
      where: { id: input.userId },
      data: { passwordHash: input.passwordHash },
    }),
    prisma.session.findMany({ where: others, select: { id: true } }),
    prisma.session.deleteMany({ where: others }),
  ]);
  return ended.map((session) => session.id);
}

/** A workspace with its first member, the owner, in one transaction. */
export async function createWorkspace(
  client: DbClient,
  input: { name: string; ownerId: string },
): Promise<WorkspaceRecord> {
  const prisma = prismaOf(client);
  return prisma.workspace.create({
    data: { name: input.name, members: { create: { userId: input.ownerId, role: 'OWNER' } } },
    select: { id: true, name: true, createdAt: true },
  });
}

/**
 * Workspaces nobody belongs to yet (the one that held the data from before accounts), oldest
 * first: the first account to sign up owns the first of them.
 */
export function findOwnerlessWorkspace(client: DbClient) {
  const prisma = prismaOf(client);
  return prisma.workspace.findFirst({
    where: { members: { none: {} } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, createdAt: true },
  });
}

export async function addMember(
  client: DbClient,
  input: { workspaceId: string; userId: string; role: Role },
): Promise<void> {
  const prisma = prismaOf(client);
  await prisma.member.upsert({
    where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } },
    create: input,
    update: {},
  });
}

/** The user's workspaces with their role, oldest membership first. */
export async function listMemberships(
  client: DbClient,
  userId: string,
): Promise<(WorkspaceRecord & { role: Role })[]> {
  const prisma = prismaOf(client);
  const rows = await prisma.member.findMany({
    where: { userId },
    include: { workspace: true },
    orderBy: [{ createdAt: 'asc' }, { workspaceId: 'asc' }],
  });
  return rows.map((row) => ({
    id: row.workspace.id,
    name: row.workspace.name,
    createdAt: row.workspace.createdAt,
    role: row.role,
  }));
}

export async function getMembership(
  client: DbClient,
  workspaceId: string,
  userId: string,
): Promise<Role | null> {
  const prisma = prismaOf(client);
  if (!isUuid(workspaceId) || !isUuid(userId)) return null;
  const row = await prisma.member.findUnique({
    where: { workspaceId_userId: { workspaceId, userId } },
    select: { role: true },
  });
  return row?.role ?? null;
}

export async function listMembers(client: DbClient, workspaceId: string): Promise<MemberRecord[]> {
  const prisma = prismaOf(client);
  if (!isUuid(workspaceId)) return [];
  const rows = await prisma.member.findMany({
    where: { workspaceId },
    include: { user: true },
    orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
  });
  return rows.map((row) => ({
    workspaceId: row.workspaceId,
    user: user(row.user),
    role: row.role,
    createdAt: row.createdAt,
  }));
}

/**
 * Changes a member's role or removes them, refusing (CONFLICT, LAST_OWNER) to leave a workspace
 * without an owner. The row is locked and owners counted in one transaction.
 */
export async function changeMember(
  client: DbClient,
  input: { workspaceId: string; userId: string; role: Role | null },
): Promise<void> {
  const prisma = prismaOf(client);
  const { workspaceId, userId, role } = input;
  if (!isUuid(workspaceId) || !isUuid(userId))
    throw new DbError('NOT_FOUND', `member ${userId} not found`, { field: 'userId' });
  await prisma.$transaction(async (tx) => {
    // Locks the owners' rows: two owners demoting each other at once are serialized, and the
    // second sees that it would leave none.
    const owners = await tx.$queryRaw<{ userId: string }[]>`
      SELECT "userId" FROM "Member"
      WHERE "workspaceId" = ${workspaceId}::uuid AND "role" = 'OWNER'
      FOR UPDATE`;
    const member = await tx.member.findUnique({
      where: { workspaceId_userId: { workspaceId, userId } },
    });
    if (!member) throw new DbError('NOT_FOUND', `member ${userId} not found`, { field: 'userId' });
    const lastOwner = member.role === 'OWNER' && owners.length === 1 && role !== 'OWNER';
    if (lastOwner)
      throw new DbError(
        'LAST_OWNER',
        'a workspace keeps at least one owner: make someone else owner first',
        { field: 'userId' },
      );
    if (role === null)
      await tx.member.delete({ where: { workspaceId_userId: { workspaceId, userId } } });
    else
      await tx.member.update({
        where: { workspaceId_userId: { workspaceId, userId } },
        data: { role },
      });
  });
}

export async function createInvitation(
  client: DbClient,
  input: {
    workspaceId: string;
    role: Role;
    createdById: string;
    tokenHash: string;
    expiresAt: Date;
  },
): Promise<InvitationRecord> {
  const prisma = prismaOf(client);
  return invitationRecord(await prisma.invitation.create({ data: input }));
}

/**
 * Uses an invitation once: marks it accepted and adds the user, in one transaction, so two people
 * opening the same link cannot both join. The role granted is the invitation's, capped by the
 * inviter's role now (an admin demoted since cannot grant admin; one no longer a member grants
 * nothing). null when the token is unknown, used, revoked or expired, or the inviter has left.
 */
export async function acceptInvitation(
  client: DbClient,
  tokenHash: string,
  userId: string,
): Promise<{ workspaceId: string; role: Role } | null> {
  try {
    return await prismaOf(client).$transaction((tx) => takeInvitation(tx, tokenHash, userId));
  } catch (error) {
    // The inviter had left: the invitation stays unused (the transaction rolled its use back).
    if (error instanceof DbError && error.code === 'INVITATION_INVALID') return null;
    throw error;
  }
}

async function takeInvitation(
  tx: Prisma.TransactionClient,
  tokenHash: string,
  userId: string,
): Promise<{ workspaceId: string; role: Role } | null> {
  const taken = await tx.invitation.updateMany({
    where: { tokenHash, acceptedAt: null, expiresAt: { gt: new Date() } },
    data: { acceptedAt: new Date(), acceptedBy: userId },
  });
  if (taken.count === 0) return null;
  const invitation = await tx.invitation.findUniqueOrThrow({ where: { tokenHash } });
  // Held until the end: a demotion of the inviter meanwhile waits, then applies to later ones.
  const [inviter] = await tx.$queryRaw<{ role: Role }[]>`
    SELECT "role" FROM "Member"
    WHERE "workspaceId" = ${invitation.workspaceId}::uuid AND "userId" = ${invitation.createdById}::uuid
    FOR SHARE`;
  if (!inviter) throw invitationInvalid();
  const role = atLeast(inviter.role, invitation.role) ? invitation.role : inviter.role;
  const existing = await tx.member.findUnique({
    where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId } },
  });
  if (!existing)
    await tx.member.create({ data: { workspaceId: invitation.workspaceId, userId, role } });
  return { workspaceId: invitation.workspaceId, role: existing?.role ?? role };
}

/**
 * What an invitation link would do if used now: the workspace, who sent it and the role it would
 * grant (capped by the inviter's role now, as acceptInvitation does). null when the token is
 * unknown, used, revoked (deleted) or expired, or the inviter has left: the same for all.
 */
export async function previewInvitation(
  client: DbClient,
  tokenHash: string,
): Promise<{ workspaceName: string; inviterName: string; role: Role; expiresAt: Date } | null> {
  const prisma = prismaOf(client);
  const [row] = await prisma.$queryRaw<
    { workspaceName: string; inviterName: string; invited: Role; inviter: Role; expiresAt: Date }[]
  >`
    SELECT w."name" AS "workspaceName", u."name" AS "inviterName", i."role" AS "invited",
      m."role" AS "inviter", i."expiresAt"
    FROM "Invitation" i
    JOIN "Workspace" w ON w."id" = i."workspaceId"
    JOIN "Member" m ON m."workspaceId" = i."workspaceId" AND m."userId" = i."createdById"
    JOIN "User" u ON u."id" = i."createdById"
    WHERE i."tokenHash" = ${tokenHash} AND i."acceptedAt" IS NULL AND i."expiresAt" > now()`;
  if (!row) return null;
  const { workspaceName, inviterName, invited, inviter, expiresAt } = row;
  const role = atLeast(inviter, invited) ? invited : inviter;
  return { workspaceName, inviterName, role, expiresAt };
}

/** Invitations not yet used nor expired, newest first. */
export async function listInvitations(
  client: DbClient,
  workspaceId: string,
): Promise<InvitationRecord[]> {
  const prisma = prismaOf(client);
  if (!isUuid(workspaceId)) return [];
  const rows = await prisma.invitation.findMany({
    where: { workspaceId, acceptedAt: null, expiresAt: { gt: new Date() } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map(invitationRecord);
}

/** Deletes an unused invitation of the workspace; null when there is none with this id. */
export async function deleteInvitation(
  client: DbClient,
  workspaceId: string,
  id: string,
): Promise<InvitationRecord | null> {
  const prisma = prismaOf(client);
  if (!isUuid(id) || !isUuid(workspaceId)) return null;
  const row = await prisma.invitation.findFirst({ where: { id, workspaceId, acceptedAt: null } });
  if (!row) return null;
  const deleted = await prisma.invitation.deleteMany({ where: { id, acceptedAt: null } });
  return deleted.count === 1 ? invitationRecord(row) : null;
}

function invitationRecord(row: InvitationRecord): InvitationRecord {
  const { id, workspaceId, role, createdById, expiresAt, acceptedAt, createdAt } = row;
  return { id, workspaceId, role, createdById, expiresAt, acceptedAt, createdAt };
}

function token(row: ApiTokenRecord): ApiTokenRecord {
  const { id, name, role, workspaceId, userId, createdAt, lastUsedAt } = row;
  return { id, name, role, workspaceId, userId, createdAt, lastUsedAt };
}

export async function createApiToken(
  client: DbClient,
  input: { name: string; role: Role; workspaceId: string; userId: string; tokenHash: string },
): Promise<ApiTokenRecord> {
  const prisma = prismaOf(client);
  return token(await prisma.apiToken.create({ data: input }));
}

export async function listApiTokens(
  client: DbClient,
  workspaceId: string,
): Promise<ApiTokenRecord[]> {
  const prisma = prismaOf(client);
  const rows = await prisma.apiToken.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map(token);
}

/** The token and its owner, or null when unknown (revoked tokens are deleted); by secret or by id. */
export async function findApiToken(
  client: DbClient,
  where: { tokenHash: string } | { id: string },
): Promise<(ApiTokenRecord & { user: UserRecord }) | null> {
  if ('id' in where && !isUuid(where.id)) return null;
  const row = await prismaOf(client).apiToken.findUnique({ where, include: { user: true } });
  return row ? { ...token(row), user: user(row.user) } : null;
}

export async function deleteApiToken(
  client: DbClient,
  workspaceId: string,
  id: string,
): Promise<ApiTokenRecord | null> {
  const prisma = prismaOf(client);
  if (!isUuid(id)) return null;
  const row = await prisma.apiToken.findFirst({ where: { id, workspaceId } });
  if (!row) return null;
  await prisma.apiToken.delete({ where: { id } });
  return token(row);
}

/** A named secret made once by whichever process gets there first; every process reads the same. */
export async function serverSecret(
  client: DbClient,
  name: string,
  make: () => string,
): Promise<string> {
  const prisma = prismaOf(client);
  await prisma.serverSecret.createMany({ data: [{ name, value: make() }], skipDuplicates: true });
  return (await prisma.serverSecret.findUniqueOrThrow({ where: { name } })).value;
}

// People, their sessions, workspaces, memberships, invitations and API tokens. Secrets (session,
// invitation and API tokens) are stored only as their sha256; the caller makes and shows them.
import type {
  ApiTokenRecord,
  InvitationRecord,
  MemberRecord,
  Role,
  UserRecord,
  WorkspaceRecord,
} from '@latent-lab/domain';
import { DbError } from './errors.ts';
import type { PrismaClient } from './generated/client.ts';
import { isUniqueViolation, isUuid } from './prisma-errors.ts';

function user(row: { id: string; email: string; name: string; createdAt: Date }): UserRecord {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.createdAt };
}

export function countUsers(prisma: PrismaClient): Promise<number> {
  return prisma.user.count();
}

/** A new account; DUPLICATE_NAME (field email) when the address is taken. */
export async function createUser(
  prisma: PrismaClient,
  input: { email: string; name: string; passwordHash: string },
): Promise<UserRecord> {
  try {
    return user(await prisma.user.create({ data: input }));
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DbError('DUPLICATE_NAME', `an account with ${input.email} already exists`, {
        cause: error,
        field: 'email',
      });
    throw error;
  }
}

/** The account and its password hash, for signing in. */
export function findUserByEmail(prisma: PrismaClient, email: string) {
  return prisma.user.findUnique({ where: { email } });
}

export async function getUsers(
  prisma: PrismaClient,
  ids: readonly string[],
): Promise<UserRecord[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return (await prisma.user.findMany({ where: { id: { in: valid } } })).map(user);
}

export async function createSession(
  prisma: PrismaClient,
  input: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<{ id: string }> {
  return prisma.session.create({ data: input, select: { id: true } });
}

/** The session's user, or null when the token is unknown or expired. */
export async function findSession(
  prisma: PrismaClient,
  tokenHash: string,
): Promise<{ id: string; user: UserRecord } | null> {
  const session = await prisma.session.findUnique({
    where: { tokenHash },
    include: { user: true },
  });
  if (!session || session.expiresAt <= new Date()) return null;
  return { id: session.id, user: user(session.user) };
}

export async function deleteSession(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.session.deleteMany({ where: { id } });
}

/** A workspace with its first member, the owner, in one transaction. */
export async function createWorkspace(
  prisma: PrismaClient,
  input: { name: string; ownerId: string },
): Promise<WorkspaceRecord> {
  return prisma.workspace.create({
    data: { name: input.name, members: { create: { userId: input.ownerId, role: 'OWNER' } } },
    select: { id: true, name: true, createdAt: true },
  });
}

/**
 * Workspaces nobody belongs to yet (the one that held the data from before accounts), oldest
 * first: the first account to sign up owns the first of them.
 */
export function findOwnerlessWorkspace(prisma: PrismaClient) {
  return prisma.workspace.findFirst({
    where: { members: { none: {} } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, createdAt: true },
  });
}

export async function addMember(
  prisma: PrismaClient,
  input: { workspaceId: string; userId: string; role: Role },
): Promise<void> {
  await prisma.member.upsert({
    where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } },
    create: input,
    update: {},
  });
}

/** The user's workspaces with their role, oldest membership first. */
export async function listMemberships(
  prisma: PrismaClient,
  userId: string,
): Promise<(WorkspaceRecord & { role: Role })[]> {
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
  prisma: PrismaClient,
  workspaceId: string,
  userId: string,
): Promise<Role | null> {
  if (!isUuid(workspaceId) || !isUuid(userId)) return null;
  const row = await prisma.member.findUnique({
    where: { workspaceId_userId: { workspaceId, userId } },
    select: { role: true },
  });
  return row?.role ?? null;
}

export async function listMembers(
  prisma: PrismaClient,
  workspaceId: string,
): Promise<MemberRecord[]> {
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
  prisma: PrismaClient,
  input: { workspaceId: string; userId: string; role: Role | null },
): Promise<void> {
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
  prisma: PrismaClient,
  input: {
    workspaceId: string;
    role: Role;
    createdById: string;
    tokenHash: string;
    expiresAt: Date;
  },
): Promise<InvitationRecord> {
  const row = await prisma.invitation.create({ data: input });
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    role: row.role,
    createdById: row.createdById,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    createdAt: row.createdAt,
  };
}

/**
 * Uses an invitation once: marks it accepted and adds the user with its role, in one statement's
 * worth of locking, so two people opening the same link cannot both join. null when the token is
 * unknown, already used or expired.
 */
export async function acceptInvitation(
  prisma: PrismaClient,
  tokenHash: string,
  userId: string,
): Promise<{ workspaceId: string; role: Role } | null> {
  return prisma.$transaction(async (tx) => {
    const taken = await tx.invitation.updateMany({
      where: { tokenHash, acceptedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date(), acceptedBy: userId },
    });
    if (taken.count === 0) return null;
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { tokenHash } });
    const existing = await tx.member.findUnique({
      where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId } },
    });
    if (!existing)
      await tx.member.create({
        data: { workspaceId: invitation.workspaceId, userId, role: invitation.role },
      });
    return { workspaceId: invitation.workspaceId, role: existing?.role ?? invitation.role };
  });
}

function token(row: {
  id: string;
  name: string;
  role: Role;
  workspaceId: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}): ApiTokenRecord {
  const { id, name, role, workspaceId, userId, createdAt, lastUsedAt } = row;
  return { id, name, role, workspaceId, userId, createdAt, lastUsedAt };
}

export async function createApiToken(
  prisma: PrismaClient,
  input: { name: string; role: Role; workspaceId: string; userId: string; tokenHash: string },
): Promise<ApiTokenRecord> {
  return token(await prisma.apiToken.create({ data: input }));
}

export async function listApiTokens(
  prisma: PrismaClient,
  workspaceId: string,
): Promise<ApiTokenRecord[]> {
  const rows = await prisma.apiToken.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map(token);
}

/** The token and its owner, or null when unknown (revoked tokens are deleted). */
export async function findApiToken(
  prisma: PrismaClient,
  tokenHash: string,
): Promise<(ApiTokenRecord & { user: UserRecord }) | null> {
  const row = await prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  return row ? { ...token(row), user: user(row.user) } : null;
}

export async function deleteApiToken(
  prisma: PrismaClient,
  workspaceId: string,
  id: string,
): Promise<ApiTokenRecord | null> {
  if (!isUuid(id)) return null;
  const row = await prisma.apiToken.findFirst({ where: { id, workspaceId } });
  if (!row) return null;
  await prisma.apiToken.delete({ where: { id } });
  return token(row);
}

/** A named secret made once by whichever process gets there first; every process reads the same. */
export async function serverSecret(
  prisma: PrismaClient,
  name: string,
  make: () => string,
): Promise<string> {
  await prisma.serverSecret.createMany({ data: [{ name, value: make() }], skipDuplicates: true });
  return (await prisma.serverSecret.findUniqueOrThrow({ where: { name } })).value;
}

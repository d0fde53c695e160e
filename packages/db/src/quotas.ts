// Workspace quotas decided in the database: the workspace row is locked for the transaction that
// checks a quota and consumes it, so requests sent together are judged one after another.
import { DbError } from './errors.ts';
import { prismaOf, type DbClient } from './client.ts';
import type { Prisma } from './generated/client.ts';

type Tx = Prisma.TransactionClient;

/** Holds the workspace's row until the transaction ends: quota checks on it queue behind. */
export async function lockWorkspace(tx: Tx, workspaceId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Workspace" WHERE id = ${workspaceId}::uuid FOR UPDATE`;
  if (rows.length === 0)
    throw new DbError('NOT_FOUND', `workspace ${workspaceId} not found`, { field: 'workspaceId' });
}

/** The workspace's runs that count against its quota: queued or running. */
function countActiveRuns(prisma: Tx, workspaceId: string): Promise<number> {
  return prisma.run.count({ where: { workspaceId, status: { in: ['QUEUED', 'RUNNING'] } } });
}

/** What the workspace uses of its quotas now: its queued or running runs, and its stored bytes. */
export async function workspaceUsage(
  client: DbClient,
  workspaceId: string,
): Promise<{ activeRuns: number; storedBytes: number }> {
  const prisma = prismaOf(client);
  return {
    activeRuns: await countActiveRuns(prisma, workspaceId),
    storedBytes: await sumStorage(prisma, workspaceId),
  };
}

/** Bytes of the workspace's uploads and frames, plus what uploads in progress have reserved. */
export function storageBytes(client: DbClient, workspaceId: string): Promise<number> {
  return sumStorage(prismaOf(client), workspaceId);
}

export async function sumStorage(prisma: Tx, workspaceId: string): Promise<number> {
  // One after another: inside a transaction the queries share one connection.
  const images = await prisma.image.aggregate({ where: { workspaceId }, _sum: { byteSize: true } });
  const frames = await prisma.frame.aggregate({
    where: { run: { workspaceId } },
    _sum: { byteSize: true },
  });
  const reserved = await prisma.storageReservation.aggregate({
    where: { workspaceId, expiresAt: { gt: new Date() } },
    _sum: { bytes: true },
  });
  return (images._sum.byteSize ?? 0) + (frames._sum.byteSize ?? 0) + (reserved._sum.bytes ?? 0);
}

/**
 * Claims `bytes` of the workspace's storage before an upload writes its files: QUOTA_EXCEEDED
 * (details used, bytes, limit) when they would pass `maxBytes`. The caller releases the claim
 * once the image row exists or the upload failed; a claim left by a crash lapses after `ttlMs`.
 */
export async function reserveStorage(
  client: DbClient,
  input: { workspaceId: string; bytes: number; maxBytes: number; ttlMs: number },
): Promise<string> {
  const { workspaceId, bytes, maxBytes, ttlMs } = input;
  return prismaOf(client).$transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const used = await sumStorage(tx, workspaceId);
    if (used + bytes > maxBytes)
      throw new DbError(
        'QUOTA_EXCEEDED',
        `this workspace stores ${used} bytes and the file has ${bytes}; the limit is ${maxBytes}`,
        { field: 'file', details: { used, bytes, limit: maxBytes } },
      );
    const reservation = await tx.storageReservation.create({
      data: { workspaceId, bytes, expiresAt: new Date(Date.now() + ttlMs) },
      select: { id: true },
    });
    return reservation.id;
  });
}

export async function releaseStorage(client: DbClient, id: string): Promise<void> {
  await prismaOf(client).storageReservation.deleteMany({ where: { id } });
}

/**
 * Refuses (QUOTA_EXCEEDED with the numbers) `count` new runs over the workspace's quotas: a sweep
 * passes as a whole or not at all.
 */
export async function checkRunQuota(
  tx: Tx,
  workspaceId: string,
  quota: { maxActiveRuns: number; maxStorageBytes: number },
  count = 1,
): Promise<void> {
  const active = await countActiveRuns(tx, workspaceId);
  const bytes = await sumStorage(tx, workspaceId);
  if (active + count > quota.maxActiveRuns)
    throw new DbError(
      'QUOTA_EXCEEDED',
      count === 1
        ? `this workspace has ${active} queued or running runs, the limit is ${quota.maxActiveRuns}: wait for some to finish or cancel them`
        : `this workspace has ${active} queued or running runs and these ${count} would pass the limit of ${quota.maxActiveRuns}: wait for some to finish, cancel them or make fewer`,
      { details: { used: active, requested: count, limit: quota.maxActiveRuns } },
    );
  if (bytes >= quota.maxStorageBytes)
    throw new DbError(
      'QUOTA_EXCEEDED',
      `this workspace stores ${bytes} bytes, the limit is ${quota.maxStorageBytes}: delete runs or images first`,
      { details: { used: bytes, limit: quota.maxStorageBytes } },
    );
}

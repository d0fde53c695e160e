// Rendered frames of a run, stored idempotently so a resumed run never duplicates one.
import type { Connection, FrameRecord } from '@latent-lab/domain';
import { DbError } from './errors.ts';
import { prismaOf, type DbClient } from './client.ts';
import { pageSize, toConnection } from './pagination.ts';
import { isUuid } from './prisma-errors.ts';
import { toFrameRecord } from './records.ts';

export interface FrameInput {
  runId: string;
  index: number;
  alpha: number;
  noiseLevel: number;
  storageKey: string;
  /** The frame's thumbnail, stored before the row. */
  thumbnailKey?: string | null;
  width: number;
  height: number;
  decodeMs: number;
  /** Change from the previous frame in [0, 1] (see the engine's frameChange); null or omitted for frame 0. */
  change?: number | null;
  /** Bytes of the stored PNG. */
  byteSize?: number;
}

/**
 * Stores frame (runId, index), overwriting an earlier copy, and sets the run's framesDone, in one
 * transaction that first locks the run row and requires it to be RUNNING. A cancel (which updates
 * the same row) is therefore ordered before or after the whole frame: once a run is CANCELED no
 * frame is stored for it (DbError RUN_NOT_RUNNING), whatever the timing.
 */
export async function upsertFrame(client: DbClient, input: FrameInput): Promise<FrameRecord> {
  const prisma = prismaOf(client);
  if (!Number.isInteger(input.index) || input.index < 0) {
    throw new DbError('INVALID_INPUT', `frame index must be an integer >= 0, got ${input.index}`, {
      field: 'index',
    });
  }
  if (input.change != null && !(input.change >= 0 && input.change <= 1)) {
    throw new DbError('INVALID_INPUT', `frame change must be in [0, 1], got ${input.change}`, {
      field: 'change',
    });
  }
  if (!isUuid(input.runId))
    throw new DbError('NOT_FOUND', `run ${input.runId} not found`, { field: 'runId' });
  const { runId, index, ...values } = input;
  const row = await prisma.$transaction(async (tx) => {
    const locked = await tx.run.updateMany({
      where: { id: runId, status: 'RUNNING' },
      data: { framesDone: { increment: 0 } },
    });
    if (locked.count === 0) {
      const run = await tx.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (!run) throw new DbError('NOT_FOUND', `run ${runId} not found`, { field: 'runId' });
      throw new DbError('RUN_NOT_RUNNING', `run ${runId} is ${run.status}: no frame is stored`, {
        field: 'runId',
      });
    }
    const frame = await tx.frame.upsert({
      where: { runId_index: { runId, index } },
      create: input,
      update: values,
    });
    await tx.run.update({
      where: { id: runId },
      data: { framesDone: await tx.frame.count({ where: { runId } }) },
    });
    return frame;
  });
  return toFrameRecord(row);
}

/** Every stored frame of the run, ordered by index (at most the run's steps). */
export async function listFrames(client: DbClient, runId: string): Promise<FrameRecord[]> {
  const prisma = prismaOf(client);
  if (!isUuid(runId)) return [];
  const rows = await prisma.frame.findMany({ where: { runId }, orderBy: { index: 'asc' } });
  return rows.map(toFrameRecord);
}

/** One page of a run's frames by index; the cursor is the last index delivered. */
export async function pageFrames(
  client: DbClient,
  runId: string,
  page: { first?: number; after?: string | null },
): Promise<Connection<FrameRecord>> {
  const prisma = prismaOf(client);
  const size = pageSize(page.first);
  if (!isUuid(runId)) return { nodes: [], totalCount: 0, hasNextPage: false, endCursor: null };
  const after = page.after == null ? -1 : /^\d{1,9}$/.test(page.after) ? Number(page.after) : NaN;
  if (Number.isNaN(after))
    throw new DbError('INVALID_CURSOR', 'after: not a cursor returned by this API', {
      field: 'after',
    });
  const [rows, totalCount] = await Promise.all([
    prisma.frame.findMany({
      where: { runId, index: { gt: after } },
      orderBy: { index: 'asc' },
      take: size + 1,
    }),
    prisma.frame.count({ where: { runId } }),
  ]);
  return toConnection(rows.map(toFrameRecord), size, totalCount, (frame) => String(frame.index));
}

/** Frames after an index (a subscription catching up), in index order. */
export async function framesAfter(
  client: DbClient,
  runId: string,
  afterIndex: number,
): Promise<FrameRecord[]> {
  const prisma = prismaOf(client);
  if (!isUuid(runId)) return [];
  const rows = await prisma.frame.findMany({
    where: { runId, index: { gt: afterIndex } },
    orderBy: { index: 'asc' },
  });
  return rows.map(toFrameRecord);
}

/** The positions shown as a run's thumbnails: first, middle and last of `count` frames. */
function thumbnailIndexes(count: number): number[] {
  return count === 0 ? [] : [...new Set([0, Math.floor((count - 1) / 2), count - 1])];
}

/**
 * First, middle and last stored frames of many runs in one query (frames are stored in index
 * order, so framesDone names them), keyed by run id.
 */
export async function thumbnailFrames(
  client: DbClient,
  runs: readonly { id: string; framesDone: number }[],
): Promise<Map<string, FrameRecord[]>> {
  const prisma = prismaOf(client);
  const wanted = runs.filter((run) => isUuid(run.id) && run.framesDone > 0);
  const byRun = new Map<string, FrameRecord[]>(runs.map((run) => [run.id, []]));
  if (wanted.length === 0) return byRun;
  const rows = await prisma.frame.findMany({
    where: {
      OR: wanted.map((run) => ({ runId: run.id, index: { in: thumbnailIndexes(run.framesDone) } })),
    },
    orderBy: [{ runId: 'asc' }, { index: 'asc' }],
  });
  for (const row of rows) byRun.get(row.runId)?.push(toFrameRecord(row));
  return byRun;
}

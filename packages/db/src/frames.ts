// Rendered frames of a run, stored idempotently so a resumed run never duplicates one.
import { DbError } from './errors.ts';
import type { Frame, PrismaClient } from './generated/client.ts';
import { isForeignKeyViolation, isUuid } from './prisma-errors.ts';

export interface FrameInput {
  runId: string;
  index: number;
  alpha: number;
  noiseLevel: number;
  storageKey: string;
  width: number;
  height: number;
  decodeMs: number;
  /** Change from the previous frame in [0, 1] (see the engine's frameChange); null or omitted for frame 0. */
  change?: number | null;
}

/**
 * Inserts frame (runId, index) or overwrites it with the new values, and sets the run's framesDone
 * to the number of stored frames, in one transaction.
 */
export async function upsertFrame(prisma: PrismaClient, input: FrameInput): Promise<Frame> {
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
  try {
    return await prisma.$transaction(async (tx) => {
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
  } catch (error) {
    if (isForeignKeyViolation(error))
      throw new DbError('NOT_FOUND', `run ${runId} not found`, { cause: error, field: 'runId' });
    throw error;
  }
}

/** The run's frames ordered by index. */
export async function listFrames(prisma: PrismaClient, runId: string): Promise<Frame[]> {
  if (!isUuid(runId)) return [];
  return prisma.frame.findMany({ where: { runId }, orderBy: { index: 'asc' } });
}

/**
 * The first, middle and last stored frames of a run (fewer when fewer are stored), ordered by
 * index: a count and one indexed single-row read per position, never the whole frame list.
 */
export async function listThumbnailFrames(prisma: PrismaClient, runId: string): Promise<Frame[]> {
  if (!isUuid(runId)) return [];
  const count = await prisma.frame.count({ where: { runId } });
  if (count === 0) return [];
  const positions = [...new Set([0, Math.floor((count - 1) / 2), count - 1])];
  const frames = await Promise.all(
    positions.map((skip) =>
      prisma.frame.findFirst({ where: { runId }, orderBy: { index: 'asc' }, skip }),
    ),
  );
  // A frame deleted between the count and the reads (run deleted) is simply left out.
  return frames.filter((frame): frame is Frame => frame !== null);
}

// Runs: an interpolation job over ordered keyframe images, its status, and the history queries.
import type {
  Easing,
  FitMode,
  InterpolationMethod,
  NoiseMode,
  NoiseSchedule,
} from '@latent-lab/engine';
import { DbError } from './errors.ts';
import { Prisma, RunStatus, type PrismaClient, type Run } from './generated/client.ts';
import {
  decodeCursor,
  encodeCursor,
  pageSize,
  toConnection,
  type Connection,
  type PageArgs,
} from './pagination.ts';
import { isRecordNotFound, isUuid, violatedCheckColumn } from './prisma-errors.ts';

const keyframesInOrder = {
  keyframes: { orderBy: { position: 'asc' }, include: { image: true } },
} as const satisfies Prisma.RunInclude;
const withFrames = {
  ...keyframesInOrder,
  frames: { orderBy: { index: 'asc' } },
} as const satisfies Prisma.RunInclude;

/** A run with its keyframes (position order, each with its image). */
export type RunWithKeyframes = Prisma.RunGetPayload<{ include: typeof keyframesInOrder }>;
/** A run with its keyframes and its frames in index order. */
export type RunDetail = Prisma.RunGetPayload<{ include: typeof withFrames }>;

export interface NewRun {
  name: string;
  model: string;
  /** Keyframe image ids in order; an image may appear more than once. */
  keyframeImageIds: string[];
  steps: number;
  method: InterpolationMethod;
  easing: Easing;
  width: number;
  height: number;
  fit: FitMode;
  /** The noise actually used, kept on the run even if the preset later changes or is deleted. */
  noise: { level: number; mode: NoiseMode; schedule: NoiseSchedule; shared: boolean };
  presetId?: string | null;
  seed: number;
  tags?: string[];
}

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;
const MAX_NAME_LENGTH = 200;

/** Trimmed, non-empty, unique, in first-seen order. */
function normaliseTags(tags: readonly string[]): string[] {
  const normalised = [...new Set(tags.map((tag) => tag.trim()))];
  for (const tag of normalised) {
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
      throw new DbError(
        'INVALID_INPUT',
        `tags must be 1 to ${MAX_TAG_LENGTH} characters, got ${JSON.stringify(tag)}`,
        { field: 'tags' },
      );
    }
  }
  return normalised;
}

function checkTagCount(tags: readonly string[]): void {
  if (tags.length > MAX_TAGS)
    throw new DbError('INVALID_INPUT', `a run has at most ${MAX_TAGS} tags, got ${tags.length}`, {
      field: 'tags',
    });
}

const INT32_MAX = 2 ** 31 - 1;

/** The numbers PostgreSQL would reject or misorder (NaN passes a CHECK level >= 0). */
function checkRunNumbers(input: NewRun): void {
  const positive: [field: string, value: number][] = [
    ['steps', input.steps],
    ['width', input.width],
    ['height', input.height],
  ];
  for (const [field, value] of positive) {
    if (!Number.isInteger(value) || value < 1 || value > INT32_MAX) {
      throw new DbError('INVALID_INPUT', `run ${field} must be a positive integer, got ${value}`, {
        field,
      });
    }
  }
  if (!Number.isInteger(input.seed) || input.seed < -INT32_MAX - 1 || input.seed > INT32_MAX) {
    throw new DbError('INVALID_INPUT', `run seed must be a 32-bit integer, got ${input.seed}`, {
      field: 'seed',
    });
  }
  if (!Number.isFinite(input.noise.level) || input.noise.level < 0) {
    throw new DbError(
      'INVALID_INPUT',
      `noise level must be a finite number >= 0, got ${input.noise.level}`,
      {
        field: 'noise.level',
      },
    );
  }
}

/** Creates a QUEUED run with its keyframes in the given order. */
export async function createRun(prisma: PrismaClient, input: NewRun): Promise<RunWithKeyframes> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new DbError('INVALID_INPUT', `run name must be 1 to ${MAX_NAME_LENGTH} characters`, {
      field: 'name',
    });
  }
  checkRunNumbers(input);
  if (input.keyframeImageIds.length < 2) {
    throw new DbError(
      'INVALID_INPUT',
      `a run needs at least 2 keyframe images, got ${input.keyframeImageIds.length}`,
      { field: 'keyframeImageIds' },
    );
  }
  const distinctIds = [...new Set(input.keyframeImageIds)];
  const found = distinctIds.every(isUuid)
    ? await prisma.image.findMany({ where: { id: { in: distinctIds } }, select: { id: true } })
    : [];
  const missing = distinctIds.filter((id) => !found.some((image) => image.id === id));
  if (missing.length > 0)
    throw new DbError('NOT_FOUND', `keyframe image(s) not found: ${missing.join(', ')}`, {
      field: 'keyframeImageIds',
    });
  const presetId = input.presetId ?? null;
  if (
    presetId !== null &&
    !(isUuid(presetId) && (await prisma.noisePreset.count({ where: { id: presetId } })) === 1)
  ) {
    throw new DbError('NOT_FOUND', `noise preset ${presetId} not found`, { field: 'presetId' });
  }
  const tags = normaliseTags(input.tags ?? []);
  checkTagCount(tags);
  try {
    return await prisma.run.create({
      data: {
        name,
        model: input.model,
        steps: input.steps,
        method: input.method,
        easing: input.easing,
        width: input.width,
        height: input.height,
        fit: input.fit,
        noiseLevel: input.noise.level,
        noiseMode: input.noise.mode,
        noiseSchedule: input.noise.schedule,
        noiseShared: input.noise.shared,
        presetId,
        seed: input.seed,
        tags,
        keyframes: {
          create: input.keyframeImageIds.map((imageId, position) => ({ position, imageId })),
        },
      },
      include: keyframesInOrder,
    });
  } catch (error) {
    const column = violatedCheckColumn(error);
    if (column === undefined) throw error;
    throw new DbError('INVALID_INPUT', `run ${column} has a value the database does not accept`, {
      cause: error,
      field: column,
    });
  }
}

/** The run with keyframes in order and frames ordered by index; null when unknown. */
export async function getRun(prisma: PrismaClient, id: string): Promise<RunDetail | null> {
  if (!isUuid(id)) return null;
  return prisma.run.findUnique({ where: { id }, include: withFrames });
}

export type RunSort = 'CREATED_AT_DESC' | 'CREATED_AT_ASC' | 'NAME_ASC' | 'NAME_DESC';

export interface RunFilter {
  status?: RunStatus[];
  model?: string;
  /** Runs carrying this tag. */
  tag?: string;
  /** Runs using this image as a keyframe. */
  imageId?: string;
  /** createdAt >= createdAfter */
  createdAfter?: Date;
  /** createdAt < createdBefore */
  createdBefore?: Date;
  /** Case-insensitive substring of the name. */
  search?: string;
}

export interface ListRunsArgs extends PageArgs {
  filter?: RunFilter;
  /** Default CREATED_AT_DESC (newest first). */
  sort?: RunSort;
}

const SORTS: Record<RunSort, { field: 'createdAt' | 'name'; direction: 'asc' | 'desc' }> = {
  CREATED_AT_DESC: { field: 'createdAt', direction: 'desc' },
  CREATED_AT_ASC: { field: 'createdAt', direction: 'asc' },
  NAME_ASC: { field: 'name', direction: 'asc' },
  NAME_DESC: { field: 'name', direction: 'desc' },
};

/** LIKE wildcards in user text match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function filterWhere(filter: RunFilter): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput[] = [];
  if (filter.status) {
    const unknown = filter.status.filter((status) => !Object.values(RunStatus).includes(status));
    if (unknown.length > 0)
      throw new DbError('INVALID_INPUT', `unknown run status: ${unknown.join(', ')}`, {
        field: 'status',
      });
    where.push({ status: { in: filter.status } });
  }
  if (filter.model !== undefined) where.push({ model: filter.model });
  if (filter.tag !== undefined) where.push({ tags: { has: filter.tag } });
  if (filter.imageId !== undefined) {
    // An id that is not a UUID matches no run (PostgreSQL would reject the comparison).
    where.push(
      isUuid(filter.imageId)
        ? { keyframes: { some: { imageId: filter.imageId } } }
        : { id: { in: [] } },
    );
  }
  if (filter.createdAfter) where.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) where.push({ createdAt: { lt: filter.createdBefore } });
  const search = filter.search?.trim();
  if (search) where.push({ name: { contains: escapeLike(search), mode: 'insensitive' } });
  return { AND: where };
}

function afterWhere(sort: RunSort, cursor: string): Prisma.RunWhereInput {
  const { field, direction } = SORTS[sort];
  const position = decodeCursor(cursor, sort);
  const key = field === 'createdAt' ? new Date(position.key) : position.key;
  if (key instanceof Date && Number.isNaN(key.getTime()))
    throw new DbError('INVALID_CURSOR', 'after: the cursor is damaged', { field: 'after' });
  const beyond = direction === 'desc' ? 'lt' : 'gt';
  return { OR: [{ [field]: { [beyond]: key } }, { [field]: key, id: { [beyond]: position.id } }] };
}

/** One page of run history with the filters, sort and keyset cursor; nodes include keyframes. */
export async function listRuns(
  prisma: PrismaClient,
  args: ListRunsArgs = {},
): Promise<Connection<RunWithKeyframes>> {
  const size = pageSize(args.first);
  const sort = args.sort ?? 'CREATED_AT_DESC';
  if (!(sort in SORTS))
    throw new DbError('INVALID_INPUT', `unknown sort ${JSON.stringify(sort)}`, { field: 'sort' });
  const { field, direction } = SORTS[sort];
  const where = filterWhere(args.filter ?? {});
  const [rows, totalCount] = await Promise.all([
    prisma.run.findMany({
      where: args.after ? { AND: [where, afterWhere(sort, args.after)] } : where,
      orderBy: [{ [field]: direction }, { id: direction }],
      take: size + 1,
      include: keyframesInOrder,
    }),
    prisma.run.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (run) =>
    encodeCursor({
      sort,
      key: field === 'createdAt' ? run.createdAt.toISOString() : run.name,
      id: run.id,
    }),
  );
}

export interface StatusChange {
  /** The failure message (FAILED); cleared by any other status. */
  error?: string | null;
  encodeMs?: number;
  totalMs?: number;
  /** Only change the status when it is currently one of these; otherwise DbError STATUS_CONFLICT. */
  from?: RunStatus[];
}

const TERMINAL: readonly RunStatus[] = [RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELED];

/**
 * Sets the status with its timestamps: RUNNING sets startedAt the first time (a resumed run keeps
 * it) and clears finishedAt; SUCCEEDED/FAILED/CANCELED set finishedAt; QUEUED clears finishedAt.
 */
export async function setRunStatus(
  prisma: PrismaClient,
  id: string,
  status: RunStatus,
  change: StatusChange = {},
): Promise<Run> {
  if (!Object.values(RunStatus).includes(status))
    throw new DbError('INVALID_INPUT', `unknown run status ${JSON.stringify(status)}`, {
      field: 'status',
    });
  const now = new Date();
  const data: Prisma.RunUpdateManyMutationInput = {
    status,
    error: status === RunStatus.FAILED ? (change.error ?? 'failed') : null,
    finishedAt: TERMINAL.includes(status) ? now : null,
    ...(change.encodeMs === undefined ? {} : { encodeMs: change.encodeMs }),
    ...(change.totalMs === undefined ? {} : { totalMs: change.totalMs }),
  };
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  const [updated] = await prisma.$transaction([
    prisma.run.updateMany({
      where: { id, ...(change.from ? { status: { in: change.from } } : {}) },
      data,
    }),
    ...(status === RunStatus.RUNNING
      ? [
          prisma.run.updateMany({
            where: { id, status, startedAt: null },
            data: { startedAt: now },
          }),
        ]
      : []),
  ]);
  const run = await prisma.run.findUnique({ where: { id } });
  if (!run) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  if (updated.count === 0) {
    throw new DbError(
      'STATUS_CONFLICT',
      `run ${id} is ${run.status}, not ${change.from?.join(' or ')}; it cannot become ${status}`,
      { field: 'status' },
    );
  }
  return run;
}

async function changeTags(
  prisma: PrismaClient,
  id: string,
  change: (current: string[]) => string[],
): Promise<Run> {
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  return prisma.$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id }, select: { tags: true } });
    if (!run) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
    const tags = change(run.tags);
    checkTagCount(tags);
    return tx.run.update({ where: { id }, data: { tags } });
  });
}

/** Adds tags (trimmed, no duplicates); existing order is kept and new tags go last. */
export async function addTags(prisma: PrismaClient, id: string, tags: string[]): Promise<Run> {
  const added = normaliseTags(tags);
  return changeTags(prisma, id, (current) => [...new Set([...current, ...added])]);
}

export async function removeTags(prisma: PrismaClient, id: string, tags: string[]): Promise<Run> {
  const removed = new Set(tags.map((tag) => tag.trim()));
  return changeTags(prisma, id, (current) => current.filter((tag) => !removed.has(tag)));
}

/** Deletes the run (its frames and keyframe links cascade); returns the frames' storage keys to delete. */
export async function deleteRun(
  prisma: PrismaClient,
  id: string,
): Promise<{ run: Run; frameStorageKeys: string[] }> {
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  try {
    return await prisma.$transaction(async (tx) => {
      const frames = await tx.frame.findMany({
        where: { runId: id },
        select: { storageKey: true },
        orderBy: { index: 'asc' },
      });
      const run = await tx.run.delete({ where: { id } });
      return { run, frameStorageKeys: frames.map((frame) => frame.storageKey) };
    });
  } catch (error) {
    if (isRecordNotFound(error))
      throw new DbError('NOT_FOUND', `run ${id} not found`, { cause: error, field: 'id' });
    throw error;
  }
}

export function countFrames(prisma: PrismaClient, runId: string): Promise<number> {
  if (!isUuid(runId)) return Promise.resolve(0);
  return prisma.frame.count({ where: { runId } });
}

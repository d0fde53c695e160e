// Runs: an interpolation job over ordered keyframe images, its status, and the history queries.
import {
  isFinished,
  parseNotes,
  parseTags,
  RUN_METRIC_FIELDS,
  type Connection,
  type Role,
  type RunMetricConstant,
  type RunMetricKey,
  type RunMetrics,
  type RunParams,
  type RunRecord,
  type RunStatus,
} from '@latent-lab/domain';
import { DbError } from './errors.ts';
import { Prisma, type PrismaClient } from './generated/client.ts';
import { prismaOf, type DbClient } from './client.ts';
import { findByIds, inWorkspace } from './lookups.ts';
import { decodeCursor, encodeCursor, pageSize, toConnection, type PageArgs } from './pagination.ts';
import { isRecordNotFound, isUuid, violatedCheckColumn } from './prisma-errors.ts';
import { checkRunQuota, lockWorkspace } from './quotas.ts';
import { toRunRecord } from './records.ts';

export const keyframeIds = {
  keyframes: { orderBy: { position: 'asc' }, select: { imageId: true } },
} as const satisfies Prisma.RunInclude;

type RunRow = Prisma.RunGetPayload<{ include: typeof keyframeIds }>;

export function record(row: RunRow): RunRecord {
  return toRunRecord(
    row,
    row.keyframes.map((keyframe) => keyframe.imageId),
  );
}

/** A run to store: parameters validated by the domain schema (params.keyframes are image ids). */
export interface NewRunRow {
  workspaceId: string;
  createdById: string | null;
  name: string;
  params: RunParams;
  presetId?: string | null;
  tags?: string[];
}

function storedParams(params: RunParams): Prisma.InputJsonObject {
  const { model: _model, keyframes: _keyframes, ...stored } = params;
  return stored;
}

/** The columns of a run row: its names and groups, and its parameters. */
function runColumns(input: NewRunRow) {
  const { params } = input;
  return {
    workspaceId: input.workspaceId,
    createdById: input.createdById,
    name: input.name,
    // Locale-independent, as the migration's lower(name) backfill: no ICU collation needed.
    nameKey: input.name.toLowerCase(),
    tags: input.tags ?? [],
    model: params.model,
    // Everything else of the parameters is one value; model is a column for history's filter.
    params: storedParams(params),
  };
}

/**
 * Creates a QUEUED run; its keyframe images and preset must exist. With a quota, the workspace is
 * locked while its active runs and storage are counted and the run is added (QUOTA_EXCEEDED when
 * over), so runs created together never pass it.
 */
export async function createRun(
  client: DbClient,
  input: NewRunRow,
  quota?: { maxActiveRuns: number; maxStorageBytes: number },
): Promise<RunRecord> {
  const prisma = prismaOf(client);
  if (!quota) return insertRun(prisma, input);
  return prisma.$transaction(async (tx) => {
    await lockWorkspace(tx, input.workspaceId);
    await checkRunQuota(tx, input.workspaceId, quota);
    return insertRun(tx, input);
  });
}

/** Inserts one run in the caller's transaction (sweep: the sweep's cell it fills). */
export async function insertRun(
  prisma: Prisma.TransactionClient,
  input: NewRunRow,
  sweep?: { sweepId: string; sweepCoordinates: number[] },
): Promise<RunRecord> {
  const { params } = input;
  const distinctIds = [...new Set(params.keyframes)];
  const found = distinctIds.every(isUuid)
    ? await prisma.image.findMany({
        where: { id: { in: distinctIds }, workspaceId: input.workspaceId },
        select: { id: true },
      })
    : [];
  const missing = distinctIds.filter((id) => !found.some((image) => image.id === id));
  if (missing.length > 0)
    throw new DbError('NOT_FOUND', `keyframe image(s) not found: ${missing.join(', ')}`, {
      field: 'keyframes',
    });
  const presetId = input.presetId ?? null;
  if (
    presetId !== null &&
    !(
      isUuid(presetId) &&
      (await prisma.noisePreset.count({
        where: { id: presetId, OR: [{ workspaceId: input.workspaceId }, { builtIn: true }] },
      })) === 1
    )
  ) {
    throw new DbError('NOT_FOUND', `noise preset ${presetId} not found`, { field: 'presetId' });
  }
  try {
    const row = await prisma.run.create({
      data: {
        ...runColumns(input),
        ...sweep,
        presetId,
        keyframes: {
          create: params.keyframes.map((imageId, position) => ({ position, imageId })),
        },
      },
      include: keyframeIds,
    });
    return record(row);
  } catch (error) {
    const column = violatedCheckColumn(error);
    if (column === undefined) throw error;
    throw new DbError('INVALID_INPUT', `run ${column} has a value the database does not accept`, {
      cause: error,
      field: column,
    });
  }
}

/** A run of the past, stored as it finished: benchmarks seed a long history with these. */
export interface PastRunRow extends NewRunRow {
  id: string;
  status: RunStatus;
  createdAt: Date;
}

/** Stores finished runs in two statements; their keyframe images must exist. */
export async function importRuns(client: DbClient, runs: readonly PastRunRow[]): Promise<void> {
  const prisma = prismaOf(client);
  await prisma.$transaction([
    prisma.run.createMany({
      data: runs.map((run) => ({
        ...runColumns(run),
        id: run.id,
        status: run.status,
        createdAt: run.createdAt,
      })),
    }),
    prisma.runImage.createMany({
      data: runs.flatMap((run) =>
        run.params.keyframes.map((imageId, position) => ({ runId: run.id, imageId, position })),
      ),
    }),
  ]);
}

/**
 * The run, or null when unknown or (with workspaceId) in another workspace. Frames are paged
 * separately (listFrames).
 */
export async function getRun(
  client: DbClient,
  id: string,
  workspaceId?: string,
): Promise<RunRecord | null> {
  const prisma = prismaOf(client);
  if (!isUuid(id)) return null;
  const row = await prisma.run.findFirst({
    where: { id, ...inWorkspace(workspaceId) },
    include: keyframeIds,
  });
  return row ? record(row) : null;
}

/** Many runs in one query, in no particular order (for batch loaders). */
export async function getRuns(
  client: DbClient,
  ids: readonly string[],
  workspaceId?: string,
): Promise<RunRecord[]> {
  const rows = await findByIds(ids, (validIds) =>
    prismaOf(client).run.findMany({
      where: { id: { in: validIds }, ...inWorkspace(workspaceId) },
      include: keyframeIds,
    }),
  );
  return rows.map(record);
}

/** A sort key then its direction; a metric sort puts runs without metrics last either way. */
export type RunSort = `${'CREATED_AT' | 'NAME' | RunMetricConstant}_${'ASC' | 'DESC'}`;

/** Runs whose metric lies in [min, max] (a bound omitted is open); runs without metrics never do. */
export interface MetricRange {
  metric: RunMetricKey;
  min?: number;
  max?: number;
}

export interface RunFilter {
  /** Runs of this workspace only (every service passes it; the worker's orphan check does not). */
  workspaceId?: string;
  /** Runs created by this user. */
  createdById?: string;
  status?: RunStatus[];
  model?: string;
  /** Runs carrying a tag that starts with this text (case-insensitive): "sweep" finds "sweep-1a2b". */
  tag?: string;
  /** Runs using this image as a keyframe. */
  imageId?: string;
  /** createdAt >= createdAfter */
  createdAfter?: Date;
  /** createdAt < createdBefore */
  createdBefore?: Date;
  /** Case-insensitive text contained in the name, the notes or a tag. */
  search?: string;
  /** Every range must hold. */
  metrics?: MetricRange[];
}

export interface ListRunsArgs extends PageArgs {
  filter?: RunFilter;
  /** Default CREATED_AT_DESC (newest first). */
  sort?: RunSort;
}

type SortField = 'createdAt' | 'nameKey' | RunMetricKey;

const SORTS = Object.fromEntries(
  // NAME sorts on the lowercased name, so "apple pie" comes between "Apple" and "banana".
  Object.entries({ CREATED_AT: 'createdAt', NAME: 'nameKey', ...RUN_METRIC_FIELDS }).flatMap(
    ([constant, field]) => [
      [`${constant}_ASC`, { field, direction: 'asc' }],
      [`${constant}_DESC`, { field, direction: 'desc' }],
    ],
  ),
) as Record<RunSort, { field: SortField; direction: 'asc' | 'desc' }>;

const METRIC_KEYS = new Set<string>(Object.values(RUN_METRIC_FIELDS));

function isMetric(field: SortField): field is RunMetricKey {
  return METRIC_KEYS.has(field);
}

/** LIKE wildcards in user text match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * The distinct stored tags that start with `prefix`, case-insensitively. There are far fewer
 * distinct tags than runs, so the run filter then uses the tags' GIN index with this short list.
 */
function tagsWithPrefix(prisma: PrismaClient, prefix: string): Promise<string[]> {
  return tagsLike(prisma, `${escapeLike(prefix.trim())}%`);
}

/** The distinct stored tags that match a LIKE pattern, case-insensitively. */
async function tagsLike(prisma: PrismaClient, pattern: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ tag: string }[]>`
    SELECT DISTINCT tag FROM "Run", unnest("tags") AS tag WHERE tag ILIKE ${pattern}`;
  return rows.map((row) => row.tag);
}

/** What the filter's text and tag look up before the query: the stored tags they match. */
interface MatchedTags {
  /** Tags starting with filter.tag; undefined without a tag filter. */
  prefixed?: string[];
  /** Tags containing filter.search; undefined without a search. */
  searched?: string[];
}

async function matchedTags(prisma: PrismaClient, filter: RunFilter): Promise<MatchedTags> {
  const search = filter.search?.trim();
  const [prefixed, searched] = await Promise.all([
    filter.tag === undefined ? undefined : tagsWithPrefix(prisma, filter.tag),
    search ? tagsLike(prisma, `%${escapeLike(search)}%`) : undefined,
  ]);
  return { prefixed, searched };
}

function filterWhere(filter: RunFilter, tags: MatchedTags): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput[] = [];
  if (filter.workspaceId !== undefined) where.push({ workspaceId: filter.workspaceId });
  if (filter.createdById !== undefined)
    where.push(
      isUuid(filter.createdById) ? { createdById: filter.createdById } : { id: { in: [] } },
    );
  if (filter.status) where.push({ status: { in: filter.status } });
  if (filter.model !== undefined) where.push({ model: filter.model });
  if (tags.prefixed !== undefined) where.push({ tags: { hasSome: tags.prefixed } });
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
  if (search) {
    const text = { contains: escapeLike(search), mode: 'insensitive' } as const;
    where.push({
      OR: [
        { name: text },
        { notes: text },
        ...(tags.searched?.length ? [{ tags: { hasSome: tags.searched } }] : []),
      ],
    });
  }
  for (const range of filter.metrics ?? []) where.push(metricWhere(range));
  return { AND: where };
}

function metricWhere({ metric, min, max }: MetricRange): Prisma.RunWhereInput {
  const invalid = (message: string) =>
    new DbError('INVALID_INPUT', `filter.metrics: ${message}`, { field: 'filter.metrics' });
  if (!METRIC_KEYS.has(metric)) throw invalid(`unknown metric ${JSON.stringify(metric)}`);
  for (const bound of [min, max]) {
    if (bound !== undefined && !Number.isFinite(bound))
      throw invalid(`${metric} bounds must be finite numbers, got ${bound}`);
  }
  if (min !== undefined && max !== undefined && min > max)
    throw invalid(`${metric} min ${min} is above max ${max}`);
  return { [metric]: { not: null, gte: min, lte: max } };
}

function afterWhere(sort: RunSort, cursor: string): Prisma.RunWhereInput {
  const { field, direction } = SORTS[sort];
  const position = decodeCursor(cursor, sort);
  if (isMetric(field)) return afterMetric(field, direction, position);
  const key = field === 'createdAt' ? new Date(position.key) : position.key;
  if (key instanceof Date && Number.isNaN(key.getTime()))
    throw new DbError('INVALID_CURSOR', 'after: the cursor is damaged', { field: 'after' });
  const beyond = direction === 'desc' ? 'lt' : 'gt';
  return { OR: [{ [field]: { [beyond]: key } }, { [field]: key, id: { [beyond]: position.id } }] };
}

/**
 * Rows after a metric sort's cursor, where runs without the metric come last in both directions:
 * the cursor's key is the number, or '' for a run without it.
 */
function afterMetric(
  field: RunMetricKey,
  direction: 'asc' | 'desc',
  position: { key: string; id: string },
): Prisma.RunWhereInput {
  const beyond = direction === 'desc' ? 'lt' : 'gt';
  if (position.key === '') return { [field]: null, id: { [beyond]: position.id } };
  const key = Number(position.key);
  if (!Number.isFinite(key))
    throw new DbError('INVALID_CURSOR', 'after: the cursor is damaged', { field: 'after' });
  return {
    OR: [
      { [field]: { [beyond]: key } },
      { [field]: key, id: { [beyond]: position.id } },
      { [field]: null },
    ],
  };
}

/** The sort key of a run row as its cursor spells it (a metric's is '' for a run without it). */
function cursorKey(row: RunRow, field: SortField): string {
  if (field === 'createdAt') return row.createdAt.toISOString();
  if (field === 'nameKey') return row.nameKey;
  return String(row[field] ?? '');
}

/** One page of run history with the filters, sort and keyset cursor. */
export async function listRuns(
  client: DbClient,
  args: ListRunsArgs = {},
): Promise<Connection<RunRecord>> {
  const prisma = prismaOf(client);
  const size = pageSize(args.first);
  const sort = args.sort ?? 'CREATED_AT_DESC';
  if (!(sort in SORTS))
    throw new DbError('INVALID_INPUT', `unknown sort ${JSON.stringify(sort)}`, { field: 'sort' });
  const { field, direction } = SORTS[sort];
  const filter = args.filter ?? {};
  const where = filterWhere(filter, await matchedTags(prisma, filter));
  const [rows, totalCount] = await Promise.all([
    prisma.run.findMany({
      where: args.after ? { AND: [where, afterWhere(sort, args.after)] } : where,
      orderBy: [
        { [field]: isMetric(field) ? { sort: direction, nulls: 'last' } : direction },
        { id: direction },
      ],
      take: size + 1,
      include: keyframeIds,
    }),
    prisma.run.count({ where }),
  ]);
  const page = toConnection(rows, size, totalCount, (row) =>
    encodeCursor({ sort, key: cursorKey(row, field), id: row.id }),
  );
  return { ...page, nodes: page.nodes.map(record) };
}

export interface StatusChange {
  /** The failure message (FAILED); cleared by any other status. */
  error?: string | null;
  totalMs?: number;
  /** Stored with SUCCEEDED: the run's quality metrics. */
  metrics?: RunMetrics;
  /** Only change the status when it is currently one of these; otherwise DbError STATUS_CONFLICT. */
  from?: RunStatus[];
  /**
   * Only change it while the run's creator is a member of its workspace with one of these roles,
   * checked in the same statement; otherwise DbError CREATOR_NOT_ALLOWED (the status unchanged).
   */
  creatorRoles?: readonly Role[];
}

/**
 * Sets the status with its timestamps: RUNNING sets startedAt the first time (a resumed run keeps
 * it) and clears finishedAt; SUCCEEDED/FAILED/CANCELED set finishedAt; QUEUED clears finishedAt.
 */
export async function setRunStatus(
  client: DbClient,
  id: string,
  status: RunStatus,
  change: StatusChange = {},
): Promise<RunRecord> {
  const prisma = prismaOf(client);
  const now = new Date();
  const data: Prisma.RunUpdateManyMutationInput = {
    status,
    error: status === 'FAILED' ? (change.error ?? 'failed') : null,
    finishedAt: isFinished(status) ? now : null,
    ...(change.totalMs === undefined ? {} : { totalMs: change.totalMs }),
    ...change.metrics,
  };
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  // The membership is matched on the run's own workspace: a subquery of the UPDATE, so a removal
  // committed before it is seen, and one after it finds the run already started.
  const creatorHolds = change.creatorRoles && {
    createdBy: {
      memberships: {
        some: { role: { in: [...change.creatorRoles] }, workspace: { runs: { some: { id } } } },
      },
    },
  };
  const [updated] = await prisma.$transaction([
    prisma.run.updateMany({
      where: {
        id,
        ...(change.from ? { status: { in: change.from } } : {}),
        ...creatorHolds,
      },
      data,
    }),
    ...(status === 'RUNNING'
      ? [
          prisma.run.updateMany({
            where: { id, status, startedAt: null },
            data: { startedAt: now },
          }),
        ]
      : []),
  ]);
  const run = await getRun(client, id);
  if (!run) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  if (updated!.count === 0) {
    // Refused by the creator's authority, not by its status (or anything else), as the run is now.
    const creatorRefused =
      creatorHolds &&
      (await prisma.run.count({ where: { id, ...creatorHolds } })) === 0 &&
      (!change.from || change.from.includes(run.status));
    if (creatorRefused)
      throw new DbError(
        'CREATOR_NOT_ALLOWED',
        `run ${id} was created by someone who may no longer create runs in its workspace`,
      );
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
): Promise<RunRecord> {
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  const row = await prisma.$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id }, select: { tags: true } });
    if (!run) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
    // The merged list is checked too: the count limit applies to the result.
    const tags = parseTags(change(run.tags));
    return tx.run.update({ where: { id }, data: { tags }, include: keyframeIds });
  });
  return record(row);
}

/**
 * Records the time the run's keyframes took to encode, while it runs: the render that encoded
 * them may be handed back before the run ends, and a resumed render finds the latents cached.
 * The render reports its total so far (after the first keyframe, then after all), so only a
 * larger value replaces the stored one; nothing changes once the run no longer runs.
 */
export async function recordEncodeTime(
  client: DbClient,
  id: string,
  encodeMs: number,
): Promise<void> {
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  await prismaOf(client).run.updateMany({
    where: { id, status: 'RUNNING', OR: [{ encodeMs: null }, { encodeMs: { lt: encodeMs } }] },
    data: { encodeMs },
  });
}

/** Replaces the run's notes (short Markdown, checked by the domain's notes schema). */
export async function setRunNotes(client: DbClient, id: string, notes: string): Promise<RunRecord> {
  const prisma = prismaOf(client);
  const checked = parseNotes(notes);
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  try {
    return record(
      await prisma.run.update({ where: { id }, data: { notes: checked }, include: keyframeIds }),
    );
  } catch (error) {
    if (isRecordNotFound(error))
      throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
    throw error;
  }
}

/** Adds tags (trimmed, no duplicates); existing order is kept and new tags go last. */
export async function addTags(client: DbClient, id: string, tags: string[]): Promise<RunRecord> {
  const prisma = prismaOf(client);
  const added = parseTags(tags);
  return changeTags(prisma, id, (current) => [...current, ...added]);
}

export async function removeTags(client: DbClient, id: string, tags: string[]): Promise<RunRecord> {
  const prisma = prismaOf(client);
  const removed = new Set(tags.map((tag) => tag.trim()));
  return changeTags(prisma, id, (current) => current.filter((tag) => !removed.has(tag)));
}

/** Deletes the run (its frames and keyframe links cascade); returns the frames' storage keys to delete. */
export async function deleteRun(
  client: DbClient,
  id: string,
): Promise<{ frameStorageKeys: string[] }> {
  const prisma = prismaOf(client);
  if (!isUuid(id)) throw new DbError('NOT_FOUND', `run ${id} not found`, { field: 'id' });
  try {
    return await prisma.$transaction(async (tx) => {
      const frames = await tx.frame.findMany({
        where: { runId: id },
        select: { storageKey: true },
        orderBy: { index: 'asc' },
      });
      await tx.run.delete({ where: { id } });
      return { frameStorageKeys: frames.map((frame) => frame.storageKey) };
    });
  } catch (error) {
    if (isRecordNotFound(error))
      throw new DbError('NOT_FOUND', `run ${id} not found`, { cause: error, field: 'id' });
    throw error;
  }
}

export function countFrames(client: DbClient, runId: string): Promise<number> {
  const prisma = prismaOf(client);
  if (!isUuid(runId)) return Promise.resolve(0);
  return prisma.frame.count({ where: { runId } });
}

/** Runs in these statuses, in one workspace or all (the health check's queue depth, quotas). */
export function countRuns(
  client: DbClient,
  status: RunStatus[],
  workspaceId?: string,
): Promise<number> {
  const prisma = prismaOf(client);
  return prisma.run.count({
    where: { status: { in: status }, ...inWorkspace(workspaceId) },
  });
}

/**
 * Ids of runs that may have changed since a moment (a subscriber catching up after a gap in its
 * events): every run still QUEUED or RUNNING, and every run created, started or finished since
 * then; at most `limit`, newest first. Deleted runs are gone and cannot be listed.
 */
export async function runIdsChangedSince(
  client: DbClient,
  since: Date,
  limit = 1000,
): Promise<string[]> {
  const prisma = prismaOf(client);
  const rows = await prisma.run.findMany({
    where: {
      OR: [
        { status: { in: ['QUEUED', 'RUNNING'] } },
        { createdAt: { gte: since } },
        { startedAt: { gte: since } },
        { finishedAt: { gte: since } },
      ],
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** The render queue across all workspaces, read for queue positions and start estimates. */
export interface QueueSnapshot {
  /** Queued runs in the order the queue takes them (oldest first), with their frame counts. */
  queued: { id: string; steps: number }[];
  /** Frames still to render of each running run. */
  runningFramesLeft: number[];
  /** Wall time per frame (total time over frames) of the most recent succeeded runs; null without any. */
  msPerFrame: number | null;
}

/** `recent`: how many of the latest succeeded runs the time per frame is measured over. */
export async function queueSnapshot(client: DbClient, recent = 20): Promise<QueueSnapshot> {
  const prisma = prismaOf(client);
  const [queued, running, timing] = await Promise.all([
    prisma.$queryRaw<{ id: string; steps: number }[]>`
      SELECT id::text AS id, (params->>'steps')::int AS steps FROM "Run"
      WHERE status = 'QUEUED' ORDER BY "createdAt", id`,
    prisma.$queryRaw<{ framesLeft: number }[]>`
      SELECT greatest((params->>'steps')::int - "framesDone", 0) AS "framesLeft" FROM "Run"
      WHERE status = 'RUNNING'`,
    prisma.$queryRaw<{ msPerFrame: number | null }[]>`
      SELECT sum("totalMs") / nullif(sum((params->>'steps')::int), 0) AS "msPerFrame"
      FROM (SELECT "totalMs", params FROM "Run"
            WHERE status = 'SUCCEEDED' AND "totalMs" IS NOT NULL
            ORDER BY "finishedAt" DESC LIMIT ${recent}) AS latest`,
  ]);
  const msPerFrame = timing[0]?.msPerFrame;
  return {
    queued: queued.map((row) => ({ id: row.id, steps: Number(row.steps) })),
    runningFramesLeft: running.map((row) => Number(row.framesLeft)),
    msPerFrame: msPerFrame === null || msPerFrame === undefined ? null : Number(msPerFrame),
  };
}

import { randomInt } from 'node:crypto';
import {
  addTags,
  countFrames,
  createRun,
  deleteRun,
  getImages,
  getPreset,
  getRun,
  listRuns,
  pageFrames,
  queueSnapshot,
  removeTags,
  setRunNotes,
  setRunStatus,
  thumbnailFrames,
  workspaceUsage,
  type DbClient,
  type NewRunRow,
  type QueueSnapshot,
  type RunFilter,
  type RunSort,
} from '@latent-lab/db';
import {
  artifactFolder,
  authorize,
  authorizeEdit,
  checkCreatedRange,
  checkPage,
  invalidInput,
  isFinished,
  MAX_SEED,
  notFound,
  parseNewRun,
  runFramesFolder,
  type Connection,
  type FrameRecord,
  type ImageRecord,
  type NewRun,
  type NoiseParams,
  type Actor,
  type PageArgs,
  type RenderJob,
  type RunLimits,
  type RunParams,
  type RunParamsInput,
  type RunRecord,
} from '@latent-lab/domain';
import type { Storage } from '@latent-lab/storage';
import type { EventBus } from '../events/bus.ts';
import type { ModelCatalog } from './models.ts';

/**
 * A run as a caller asks for it: parameters in the domain's names, and either a preset or explicit
 * noise (neither: no noise). An omitted seed is drawn at random.
 */
export interface CreateRunCommand {
  name?: string | null;
  tags?: string[] | null;
  presetId?: string | null;
  /** Validated by the domain's run schema, which names every missing or bad field. */
  params: Partial<Omit<RunParamsInput, 'noise'>> & { noise?: Partial<NoiseParams> | null };
}

/** Overrides for a rerun: anything omitted keeps the original run's value. */
export type RerunCommand = Partial<CreateRunCommand>;

export type { RunFilter, RunSort };

export interface RunServiceOptions {
  db: DbClient;
  /** Per workspace: queued plus running runs. */
  maxActiveRuns: number;
  /** Per workspace: bytes of uploads and stored frames. */
  maxStorageBytes: number;
  /** Counts run creations per session or token. */
  limitMutation: (actor: Actor) => Promise<void>;
  storage: Storage;
  bus: EventBus;
  enqueue: (job: RenderJob) => Promise<void>;
  models: ModelCatalog;
  limits: RunLimits;
  maxPageSize: number;
  /** Runs rendered at once by one worker process (WORKER_CONCURRENCY): the queue's estimate. */
  renderSlots: number;
}

export interface WorkspaceQuota {
  activeRuns: number;
  maxActiveRuns: number;
  storedBytes: number;
  maxStorageBytes: number;
}

/** Where a queued run stands: 1 = next to start; its start estimated from recent runs. */
export interface QueuePlace {
  position: number;
  /** null until some run has succeeded: nothing to estimate the time per frame from. */
  estimatedStartAt: Date | null;
}

/**
 * Each queued run's place. The frames ahead of a run (those left of the running runs, and every
 * frame of the queued runs before it) are shared among the render slots: the larger of
 * `renderSlots` and the runs rendering now. Start = now + frames ahead x time per frame / slots.
 */
function queuePlaces(
  { queued, runningFramesLeft, msPerFrame }: QueueSnapshot,
  renderSlots: number,
  now: Date,
): Map<string, QueuePlace> {
  const slots = Math.max(1, renderSlots, runningFramesLeft.length);
  let framesAhead = runningFramesLeft.reduce((sum, left) => sum + left, 0);
  const places = new Map<string, QueuePlace>();
  queued.forEach((run, index) => {
    places.set(run.id, {
      position: index + 1,
      estimatedStartAt:
        msPerFrame === null ? null : new Date(now.getTime() + (framesAhead * msPerFrame) / slots),
    });
    framesAhead += run.steps;
  });
  return places;
}

/** A seed for a run (or a sweep) that names none: any of the engine's range. */
export function randomSeed(): number {
  return randomInt(0, MAX_SEED + 1);
}

const NO_NOISE: NoiseParams = { level: 0, mode: 'absolute', schedule: 'constant', shared: false };

/** The run operations: creating one validates everything, once, before a job is queued. */
export class RunService {
  constructor(private readonly options: RunServiceOptions) {}

  list(
    actor: Actor,
    page: PageArgs,
    filter: Omit<RunFilter, 'workspaceId'> = {},
    sort: RunSort = 'CREATED_AT_DESC',
  ) {
    authorize(actor, 'read');
    checkCreatedRange(filter.createdAfter, filter.createdBefore);
    return listRuns(this.options.db, {
      ...checkPage(page, this.options.maxPageSize),
      filter: { ...filter, workspaceId: actor.workspaceId },
      sort,
    });
  }

  /** The run, or null when it is not in the actor's workspace (another's never shows). */
  /** The workspace's run and storage quotas, and what it uses of them now. */
  async quota(actor: Actor): Promise<WorkspaceQuota> {
    authorize(actor, 'read');
    const { db, maxActiveRuns, maxStorageBytes } = this.options;
    return { ...(await workspaceUsage(db, actor.workspaceId)), maxActiveRuns, maxStorageBytes };
  }

  get(actor: Actor, id: string): Promise<RunRecord | null> {
    authorize(actor, 'read');
    return getRun(this.options.db, id, actor.workspaceId);
  }

  /**
   * The workspace of a run, for the file routes' membership check (which then answers 404 to
   * anyone else, so this reveals nothing).
   */
  async workspaceOf(runId: string): Promise<string | null> {
    return (await getRun(this.options.db, runId))?.workspaceId ?? null;
  }

  async require(actor: Actor, id: string): Promise<RunRecord> {
    const run = await this.get(actor, id);
    if (!run) throw notFound('run', id);
    return run;
  }

  /**
   * The queue places of these runs (any workspace's runs are counted ahead); runs not queued
   * have none. The caller has already read the runs through the actor's workspace.
   */
  async queuePlaces(runIds: readonly string[]): Promise<(QueuePlace | null)[]> {
    const places = queuePlaces(
      await queueSnapshot(this.options.db),
      this.options.renderSlots,
      new Date(),
    );
    return runIds.map((id) => places.get(id) ?? null);
  }

  /** A page of a run's frames; one page can hold a whole run (at most maxSteps). */
  async frames(actor: Actor, runId: string, page: PageArgs): Promise<Connection<FrameRecord>> {
    await this.require(actor, runId);
    return pageFrames(this.options.db, runId, checkPage(page, this.options.limits.maxSteps));
  }

  /** First, middle and last stored frames of each run, in one query for all of them. */
  thumbnails(
    runs: readonly { id: string; framesDone: number }[],
  ): Promise<Map<string, FrameRecord[]>> {
    return thumbnailFrames(this.options.db, runs);
  }

  async create(actor: Actor, command: CreateRunCommand): Promise<RunRecord> {
    authorize(actor, 'create');
    const { params, presetId } = await this.explicitNoise(actor, command);
    return this.store(actor, { ...command, params }, presetId);
  }

  /**
   * The command's parameters with its noise spelled out: its own, its preset's, or none (both at
   * once is refused), and the preset the run is to link (none when the noise is its own).
   */
  async explicitNoise(
    actor: Actor,
    command: CreateRunCommand,
  ): Promise<{ params: CreateRunCommand['params']; presetId: string | null }> {
    const { noise, ...params } = command.params;
    if (command.presetId && noise) {
      throw invalidInput('noise', 'give either presetId or noise, not both');
    }
    return {
      params: { ...params, noise: noise ?? (await this.presetNoise(actor, command.presetId)) },
      presetId: noise ? null : (command.presetId ?? null),
    };
  }

  /** Validates the whole run once, checks what only the data can tell, stores it and queues it. */
  private async store(
    actor: Actor,
    command: CreateRunCommand,
    presetId: string | null,
  ): Promise<RunRecord> {
    const { db, limits, maxActiveRuns, maxStorageBytes } = this.options;
    const run = parseNewRun(
      {
        name: command.name,
        tags: command.tags ?? [],
        params: { ...command.params, seed: command.params.seed ?? randomSeed() },
      },
      limits,
    );
    const keyframes = await this.keyframeImages(actor, run.params);
    await this.options.limitMutation(actor);
    const created = await createRun(db, this.runRow(actor, run, keyframes, presetId), {
      maxActiveRuns,
      maxStorageBytes,
    });
    await this.queue(created, keyframes);
    return created;
  }

  /**
   * What only the data can tell about validated parameters: the model's weights are present and
   * the keyframes are images of the actor's workspace (returned in path order).
   */
  async keyframeImages(actor: Actor, params: RunParams): Promise<ImageRecord[]> {
    await this.options.models.require(params.model);
    const images = new Map(
      (await getImages(this.options.db, params.keyframes, actor.workspaceId)).map((image) => [
        image.id,
        image,
      ]),
    );
    const missing = params.keyframes.filter((id) => !images.has(id));
    if (missing.length > 0) {
      throw invalidInput('keyframes', `keyframes: image(s) not found: ${missing.join(', ')}`);
    }
    return params.keyframes.map((id) => images.get(id)!);
  }

  /** The row to store for a validated run; an unnamed run is named after its keyframes. */
  runRow(
    actor: Actor,
    run: NewRun,
    keyframes: readonly ImageRecord[],
    presetId: string | null,
  ): NewRunRow {
    return {
      workspaceId: actor.workspaceId,
      createdById: actor.userId,
      name:
        run.name ??
        keyframes
          .map((image) => image.originalName)
          .join(' → ')
          .slice(0, 200),
      params: run.params,
      presetId,
      tags: run.tags,
    };
  }

  /** Queues a stored run's render job and announces the new run. */
  async queue(created: RunRecord, keyframes: readonly ImageRecord[]): Promise<void> {
    await this.options.enqueue({
      runId: created.id,
      workspaceId: created.workspaceId,
      params: created.params,
      keyframes: keyframes.map(({ sha256, storageKey }) => ({ sha256, storageKey })),
    });
    await this.options.bus.publish({
      type: 'run',
      kind: 'CREATED',
      runId: created.id,
      workspaceId: created.workspaceId,
    });
    await this.options.bus.publish({ type: 'queued', runId: created.id });
  }

  async cancel(actor: Actor, id: string): Promise<RunRecord> {
    const { db, bus } = this.options;
    const run = await this.require(actor, id);
    authorizeEdit(actor, run.createdById);
    if (isFinished(run.status)) return run;
    try {
      await setRunStatus(db, id, 'CANCELED', { from: ['QUEUED', 'RUNNING'] });
    } catch (error) {
      // It finished meanwhile: report it as it is.
      if ((error as { code?: string }).code !== 'STATUS_CONFLICT') throw error;
    }
    const current = await this.require(actor, id);
    if (current.status === 'CANCELED') {
      const done = await countFrames(db, id);
      await bus.publish({
        type: 'status',
        runId: id,
        status: 'CANCELED',
        error: null,
        done,
        total: current.params.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId: id, workspaceId: run.workspaceId });
    }
    return current;
  }

  async rerun(actor: Actor, id: string, overrides: RerunCommand = {}): Promise<RunRecord> {
    const original = await this.require(actor, id);
    authorize(actor, 'create');
    const { noise, ...params } = overrides.params ?? {};
    if (overrides.presetId && noise) {
      throw invalidInput('noise', 'give either presetId or noise, not both');
    }
    const given = Object.fromEntries(Object.entries(params).filter(([, value]) => value != null));
    // A new preset or new explicit noise replaces the original noise; otherwise the snapshot and
    // its preset link are kept.
    const command: CreateRunCommand = {
      name: overrides.name ?? `${original.name} (rerun)`.slice(0, 200),
      tags: overrides.tags ?? original.tags,
      params: { ...original.params, ...given, noise: original.params.noise },
    };
    if (noise) return this.store(actor, { ...command, params: { ...command.params, noise } }, null);
    if (overrides.presetId) {
      const presetNoise = await this.presetNoise(actor, overrides.presetId);
      return this.store(
        actor,
        { ...command, params: { ...command.params, noise: presetNoise } },
        overrides.presetId,
      );
    }
    return this.store(actor, command, original.presetId);
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    const { db, storage, bus } = this.options;
    const run = await this.require(actor, id);
    authorizeEdit(actor, run.createdById);
    await this.cancel(actor, id);
    await deleteRun(db, id);
    await Promise.all([
      storage.deleteFolder(runFramesFolder(id)),
      storage.deleteFolder(artifactFolder(id)),
    ]);
    await bus.publish({ type: 'run', kind: 'DELETED', runId: id, workspaceId: run.workspaceId });
    return true;
  }

  async tag(actor: Actor, id: string, tags: string[]): Promise<RunRecord> {
    authorizeEdit(actor, (await this.require(actor, id)).createdById);
    const run = await addTags(this.options.db, id, tags);
    await this.publishUpdated(run);
    return run;
  }

  async untag(actor: Actor, id: string, tags: string[]): Promise<RunRecord> {
    authorizeEdit(actor, (await this.require(actor, id)).createdById);
    const run = await removeTags(this.options.db, id, tags);
    await this.publishUpdated(run);
    return run;
  }

  private publishUpdated(run: RunRecord): Promise<void> {
    return this.options.bus.publish({
      type: 'run',
      kind: 'UPDATED',
      runId: run.id,
      workspaceId: run.workspaceId,
    });
  }

  /** Replaces the run's notes (short Markdown; the domain limits the length; '' clears them). */
  async setNotes(actor: Actor, id: string, notes: string): Promise<RunRecord> {
    // Like tags: the run's creator and admins edit them, other members and viewers only read.
    authorizeEdit(actor, (await this.require(actor, id)).createdById);
    const run = await setRunNotes(this.options.db, id, notes);
    await this.publishUpdated(run);
    return run;
  }

  private async presetNoise(
    actor: Actor,
    presetId: string | null | undefined,
  ): Promise<NoiseParams> {
    if (!presetId) return NO_NOISE;
    const preset = await getPreset(this.options.db, presetId, actor.workspaceId);
    if (!preset) throw invalidInput('presetId', `presetId: noise preset ${presetId} not found`);
    const { level, mode, schedule, shared } = preset;
    return { level, mode, schedule, shared };
  }
}

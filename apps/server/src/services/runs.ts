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
  removeTags,
  setRunNotes,
  setRunStatus,
  thumbnailFrames,
  type DbClient,
  type RunFilter,
  type RunSort,
} from '@latent-lab/db';
import {
  artifactFolder,
  checkPage,
  invalidInput,
  isFinished,
  MAX_SEED,
  notFound,
  parseNewRun,
  runFramesFolder,
  type Connection,
  type FrameRecord,
  type NoiseParams,
  type PageArgs,
  type RenderJob,
  type RunLimits,
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
  storage: Storage;
  bus: EventBus;
  enqueue: (job: RenderJob) => Promise<void>;
  models: ModelCatalog;
  limits: RunLimits;
  maxPageSize: number;
}

const NO_NOISE: NoiseParams = { level: 0, mode: 'absolute', schedule: 'constant', shared: false };

/** The run operations: creating one validates everything, once, before a job is queued. */
export class RunService {
  constructor(private readonly options: RunServiceOptions) {}

  list(page: PageArgs, filter: RunFilter = {}, sort: RunSort = 'CREATED_AT_DESC') {
    return listRuns(this.options.db, {
      ...checkPage(page, this.options.maxPageSize),
      filter,
      sort,
    });
  }

  get(id: string): Promise<RunRecord | null> {
    return getRun(this.options.db, id);
  }

  async require(id: string): Promise<RunRecord> {
    const run = await this.get(id);
    if (!run) throw notFound('run', id);
    return run;
  }

  /** A page of a run's frames; one page can hold a whole run (at most maxSteps). */
  frames(runId: string, page: PageArgs): Promise<Connection<FrameRecord>> {
    return pageFrames(this.options.db, runId, checkPage(page, this.options.limits.maxSteps));
  }

  /** First, middle and last stored frames of each run, in one query for all of them. */
  thumbnails(
    runs: readonly { id: string; framesDone: number }[],
  ): Promise<Map<string, FrameRecord[]>> {
    return thumbnailFrames(this.options.db, runs);
  }

  async create(command: CreateRunCommand): Promise<RunRecord> {
    const { noise, ...params } = command.params;
    if (command.presetId && noise) {
      throw invalidInput('noise', 'give either presetId or noise, not both');
    }
    return this.store(
      {
        ...command,
        params: { ...params, noise: noise ?? (await this.presetNoise(command.presetId)) },
      },
      noise ? null : (command.presetId ?? null),
    );
  }

  /** Validates the whole run once, checks what only the data can tell, stores it and queues it. */
  private async store(command: CreateRunCommand, presetId: string | null): Promise<RunRecord> {
    const { db, limits, models } = this.options;
    const run = parseNewRun(
      {
        name: command.name,
        tags: command.tags ?? [],
        params: { ...command.params, seed: command.params.seed ?? randomInt(0, MAX_SEED + 1) },
      },
      limits,
    );
    await models.require(run.params.model);
    const images = new Map(
      (await getImages(db, run.params.keyframes)).map((image) => [image.id, image]),
    );
    const missing = run.params.keyframes.filter((id) => !images.has(id));
    if (missing.length > 0) {
      throw invalidInput('keyframes', `keyframes: image(s) not found: ${missing.join(', ')}`);
    }
    const keyframes = run.params.keyframes.map((id) => images.get(id)!);
    const created = await createRun(db, {
      name:
        run.name ??
        keyframes
          .map((image) => image.originalName)
          .join(' → ')
          .slice(0, 200),
      params: run.params,
      presetId,
      tags: run.tags,
    });
    await this.options.enqueue({
      runId: created.id,
      params: created.params,
      keyframes: keyframes.map(({ sha256, storageKey }) => ({ sha256, storageKey })),
    });
    await this.options.bus.publish({ type: 'run', kind: 'CREATED', runId: created.id });
    await this.options.bus.publish({ type: 'queued', runId: created.id });
    return created;
  }

  async cancel(id: string): Promise<RunRecord> {
    const { db, bus } = this.options;
    const run = await this.require(id);
    if (isFinished(run.status)) return run;
    try {
      await setRunStatus(db, id, 'CANCELED', { from: ['QUEUED', 'RUNNING'] });
    } catch (error) {
      // It finished meanwhile: report it as it is.
      if ((error as { code?: string }).code !== 'STATUS_CONFLICT') throw error;
    }
    const current = await this.require(id);
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
      await bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    }
    return current;
  }

  async rerun(id: string, overrides: RerunCommand = {}): Promise<RunRecord> {
    const original = await this.require(id);
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
    if (noise) return this.store({ ...command, params: { ...command.params, noise } }, null);
    if (overrides.presetId) {
      const presetNoise = await this.presetNoise(overrides.presetId);
      return this.store(
        { ...command, params: { ...command.params, noise: presetNoise } },
        overrides.presetId,
      );
    }
    return this.store(command, original.presetId);
  }

  async delete(id: string): Promise<boolean> {
    const { db, storage, bus } = this.options;
    await this.cancel(id);
    await deleteRun(db, id);
    await Promise.all([
      storage.deleteFolder(runFramesFolder(id)),
      storage.deleteFolder(artifactFolder(id)),
    ]);
    await bus.publish({ type: 'run', kind: 'DELETED', runId: id });
    return true;
  }

  async tag(id: string, tags: string[]): Promise<RunRecord> {
    const run = await addTags(this.options.db, id, tags);
    await this.options.bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    return run;
  }

  async untag(id: string, tags: string[]): Promise<RunRecord> {
    const run = await removeTags(this.options.db, id, tags);
    await this.options.bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    return run;
  }

  /** Replaces the run's notes (short Markdown; the domain limits the length; '' clears them). */
  async setNotes(id: string, notes: string): Promise<RunRecord> {
    const run = await setRunNotes(this.options.db, id, notes);
    await this.options.bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    return run;
  }

  private async presetNoise(presetId: string | null | undefined): Promise<NoiseParams> {
    if (!presetId) return NO_NOISE;
    const preset = await getPreset(this.options.db, presetId);
    if (!preset) throw invalidInput('presetId', `presetId: noise preset ${presetId} not found`);
    const { level, mode, schedule, shared } = preset;
    return { level, mode, schedule, shared };
  }
}

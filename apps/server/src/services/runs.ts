import { randomInt } from 'node:crypto';
import {
  addTags,
  countFrames,
  createRun,
  deleteRun,
  getImage,
  getPreset,
  getRun,
  listFrames,
  listRuns,
  listThumbnailFrames,
  removeTags,
  RunStatus as DbRunStatus,
  setRunStatus,
  type PrismaClient,
  type RunSort as DbRunSort,
} from '@latent-lab/db';
import { EngineError, validateRunSpec, type RunLimits, type RunSpec } from '@latent-lab/engine';
import type { PageArgs, RunApi } from '../graphql/context.ts';
import { badInput, notFound } from '../graphql/errors.ts';
import { RunStatus } from '../graphql/enums.ts';
import type {
  CreateRunInput,
  Frame,
  Image,
  NoiseInput,
  RerunInput,
  Run,
  RunConnection,
  RunSort,
  RunsFilter,
} from '../graphql/types.ts';
import type { EventBus } from '../events/bus.ts';
import { artifactFolder } from '../http/artifacts.ts';
import type { Storage } from '../storage/storage.ts';
import { frameView, runView, TERMINAL_STATUSES } from './views.ts';

/** The noise a run is created with, and the preset it came from. */
type RunNoise = NoiseInput & { presetId: string | null };

/** Engine option names that differ from the API's input names. */
const INPUT_FIELDS: Record<string, string> = {
  keyframes: 'imageIds',
  keyframeImageIds: 'imageIds',
  'noise.seed': 'seed',
};

function inputField(field: string | undefined): string {
  return field === undefined ? 'input' : (INPUT_FIELDS[field] ?? field);
}

/** Puts the API's run operations in one place: creating validates everything before a job is queued. */
export class RunService implements RunApi {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage: Storage,
    private readonly bus: EventBus,
    private readonly enqueue: (runId: string) => Promise<void>,
    private readonly limits: RunLimits,
  ) {}

  async list(
    page: PageArgs,
    filter: RunsFilter | null | undefined,
    sort: RunSort | null | undefined,
  ): Promise<RunConnection> {
    const connection = await listRuns(this.prisma, {
      ...page,
      sort: `${sort?.field ?? 'CREATED_AT'}_${sort?.direction ?? 'DESC'}` as DbRunSort,
      filter: {
        status: filter?.status ?? undefined,
        model: filter?.model ?? undefined,
        tag: filter?.tag ?? undefined,
        imageId: filter?.imageId ?? undefined,
        createdAfter: filter?.createdAfter ?? undefined,
        createdBefore: filter?.createdBefore ?? undefined,
        search: filter?.search ?? undefined,
      },
    });
    return { ...connection, nodes: connection.nodes.map(runView) };
  }

  async get(id: string): Promise<Run | null> {
    const run = await getRun(this.prisma, id);
    return run ? runView(run) : null;
  }

  async keyframes(runId: string): Promise<Image[]> {
    return (await this.require(runId)).keyframes ?? [];
  }

  async frames(runId: string): Promise<Frame[]> {
    return (await listFrames(this.prisma, runId)).map(frameView);
  }

  async thumbnails(runId: string): Promise<Frame[]> {
    return (await listThumbnailFrames(this.prisma, runId)).map(frameView);
  }

  async create(input: CreateRunInput): Promise<Run> {
    if (input.presetId && input.noise) {
      throw badInput('noise', 'give either presetId or noise, not both');
    }
    return this.createWithNoise(input, await this.noiseFrom(input.presetId, input.noise));
  }

  private async createWithNoise(input: CreateRunInput, noise: RunNoise): Promise<Run> {
    const images = await Promise.all(
      input.imageIds.map(async (id) => {
        const image = await getImage(this.prisma, id);
        if (!image) throw badInput('imageIds', `imageIds: image ${id} not found`);
        return image;
      }),
    );
    const seed = input.seed ?? randomInt(0, 2 ** 31);
    const spec: RunSpec = {
      model: input.model,
      keyframes: images.map((image) => ({
        sha256: image.sha256,
        read: () => Promise.reject(new Error('not read')),
      })),
      steps: input.steps,
      method: input.method,
      easing: input.easing,
      width: input.width,
      height: input.height,
      fit: input.fit,
      noise: { ...noise, seed },
    };
    try {
      await validateRunSpec(spec, this.limits);
    } catch (error) {
      if (error instanceof EngineError) throw badInput(inputField(error.field), error.message);
      throw error;
    }
    const name = input.name?.trim() || images.map((image) => image.originalName).join(' → ');
    const created = await createRun(this.prisma, {
      name: name.slice(0, 200),
      model: input.model,
      keyframeImageIds: input.imageIds,
      steps: input.steps,
      method: input.method,
      easing: input.easing,
      width: input.width,
      height: input.height,
      fit: input.fit,
      noise: {
        level: noise.level,
        mode: noise.mode,
        schedule: noise.schedule,
        shared: noise.shared,
      },
      presetId: noise.presetId,
      seed,
      tags: input.tags ?? [],
    });
    await this.enqueue(created.id);
    await this.bus.publish({ type: 'run', kind: 'CREATED', runId: created.id });
    await this.bus.publish({ type: 'queued', runId: created.id });
    return runView(created);
  }

  async cancel(id: string): Promise<Run> {
    const run = await this.require(id);
    if (TERMINAL_STATUSES.has(run.status)) return run;
    try {
      await setRunStatus(this.prisma, id, DbRunStatus.CANCELED, {
        from: [DbRunStatus.QUEUED, DbRunStatus.RUNNING],
      });
    } catch (error) {
      // It finished meanwhile: report it as it is.
      if ((error as { code?: string }).code !== 'STATUS_CONFLICT') throw error;
    }
    const current = await this.require(id);
    if (current.status === RunStatus.CANCELED) {
      const done = await countFrames(this.prisma, id);
      await this.bus.publish({
        type: 'status',
        runId: id,
        status: RunStatus.CANCELED,
        error: null,
        done,
        total: current.steps,
      });
      await this.bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    }
    return current;
  }

  async rerun(id: string, overrides: RerunInput | null | undefined): Promise<Run> {
    const original = await this.require(id);
    const o = overrides ?? {};
    if (o.presetId && o.noise) throw badInput('noise', 'give either presetId or noise, not both');
    // A new preset or new explicit noise replaces the original noise; otherwise the snapshot and
    // its preset link are kept.
    const noise =
      o.presetId || o.noise
        ? await this.noiseFrom(o.presetId, o.noise)
        : { ...original.noise, presetId: original.presetId };
    return this.createWithNoise(
      {
        name: o.name ?? `${original.name} (rerun)`,
        model: o.model ?? original.model,
        imageIds: o.imageIds ?? (original.keyframes ?? []).map((image) => image.id),
        steps: o.steps ?? original.steps,
        method: o.method ?? original.method,
        easing: o.easing ?? original.easing,
        width: o.width ?? original.width,
        height: o.height ?? original.height,
        fit: o.fit ?? original.fit,
        seed: o.seed ?? original.seed,
        tags: o.tags ?? original.tags,
      },
      noise,
    );
  }

  async delete(id: string): Promise<boolean> {
    await this.cancel(id);
    const { frameStorageKeys } = await deleteRun(this.prisma, id);
    await Promise.all([
      ...frameStorageKeys.map((key) => this.storage.delete(key)),
      this.storage.deleteFolder(artifactFolder(id)),
    ]);
    await this.bus.publish({ type: 'run', kind: 'DELETED', runId: id });
    return true;
  }

  async tag(id: string, tags: string[]): Promise<Run> {
    await addTags(this.prisma, id, tags);
    await this.bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    return this.require(id);
  }

  async untag(id: string, tags: string[]): Promise<Run> {
    await removeTags(this.prisma, id, tags);
    await this.bus.publish({ type: 'run', kind: 'UPDATED', runId: id });
    return this.require(id);
  }

  private async require(id: string): Promise<Run> {
    const run = await this.get(id);
    if (!run) throw notFound('run', id);
    return run;
  }

  private async noiseFrom(
    presetId: string | null | undefined,
    noise: NoiseInput | null | undefined,
  ): Promise<RunNoise> {
    if (noise) return { ...noise, presetId: null };
    if (presetId) {
      const preset = await getPreset(this.prisma, presetId);
      if (!preset) throw badInput('presetId', `presetId: noise preset ${presetId} not found`);
      return {
        level: preset.level,
        mode: preset.mode as NoiseInput['mode'],
        schedule: preset.schedule as NoiseInput['schedule'],
        shared: preset.shared,
        presetId: preset.id,
      };
    }
    return {
      level: 0,
      mode: 'absolute' as NoiseInput['mode'],
      schedule: 'constant' as NoiseInput['schedule'],
      shared: false,
      presetId: null,
    };
  }
}

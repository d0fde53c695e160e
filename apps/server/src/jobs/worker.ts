import {
  countFrames,
  DbError,
  getImages,
  getRun,
  listRuns,
  setRunStatus,
  upsertFrame,
  type DbClient,
} from '@latent-lab/db';
import { fileUrl, frameKey, type RunRecord } from '@latent-lab/domain';
import type { Storage } from '@latent-lab/storage';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.ts';
import type { RunLocks } from './locks.ts';
import type { ThreadRenderer } from './renderer.ts';
import { enqueueRender, RENDER_QUEUE, type RenderJob } from './queue.ts';

export interface WorkerOptions {
  prisma: DbClient;
  boss: PgBoss;
  bus: EventBus;
  storage: Storage;
  renderer: ThreadRenderer;
  locks: RunLocks;
  log: Logger;
  concurrency: number;
  /** How often to look for runs left RUNNING by a worker that died (also done at start). */
  orphanCheckMs?: number;
}

/** The job for a stored run: its parameters as stored, keyframes resolved to hashes and keys. */
export async function renderJobFor(prisma: DbClient, run: RunRecord): Promise<RenderJob> {
  const images = new Map((await getImages(prisma, run.params.keyframes)).map((i) => [i.id, i]));
  const keyframes = run.params.keyframes.map((id) => {
    const image = images.get(id);
    if (!image) throw new Error(`keyframe image ${id} of run ${run.id} is gone`);
    return { sha256: image.sha256, storageKey: image.storageKey };
  });
  return { runId: run.id, params: run.params, keyframes };
}

/**
 * Renders queued runs: each frame is stored (file, then an idempotent row that the data layer
 * refuses once the run is no longer RUNNING) and announced before the next one starts. A run left
 * RUNNING by a dead worker is resumed from its stored frame count; a cancel aborts the render.
 */
export class RunWorker {
  private readonly active = new Map<string, AbortController>();
  private readonly workerIds: string[] = [];
  private unsubscribe: (() => void) | undefined;
  private orphanTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {}

  async start(): Promise<void> {
    const { boss, bus, concurrency } = this.options;
    this.unsubscribe = bus.subscribe((event) => {
      // After a LISTEN reconnect a 'queued' may have been missed: look now rather than at the next poll.
      if (event.type === 'queued' || event.type === 'resync')
        for (const id of this.workerIds) boss.notifyWorker(id);
      if (event.type === 'status' && event.status === 'CANCELED')
        this.active.get(event.runId)?.abort();
    });
    // pg-boss 10 has no per-worker concurrency: one polling worker per slot.
    for (let slot = 0; slot < concurrency; slot++) {
      this.workerIds.push(
        await boss.work<RenderJob>(
          RENDER_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: 2 },
          async ([job]) => {
            if (job) await this.execute(job.data);
          },
        ),
      );
    }
    await this.resumeOrphans();
    this.orphanTimer = setInterval(() => {
      this.resumeOrphans().catch((error) =>
        this.options.log.error({ err: error }, 'orphan check failed'),
      );
    }, this.options.orphanCheckMs ?? 30_000);
    this.orphanTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.orphanTimer);
    this.unsubscribe?.();
    for (const controller of this.active.values()) controller.abort();
    await this.options.boss.offWork(RENDER_QUEUE);
  }

  /** Queues a job for each RUNNING run that no live worker holds; the job resumes it. */
  private async resumeOrphans(): Promise<void> {
    const { prisma, locks, boss, log } = this.options;
    const running = await listRuns(prisma, { first: 100, filter: { status: ['RUNNING'] } });
    for (const run of running.nodes) {
      const release = await locks.tryAcquire(run.id);
      if (!release) continue;
      await release();
      log.info({ runId: run.id }, 'resuming a run left RUNNING by a stopped worker');
      await enqueueRender(boss, await renderJobFor(prisma, run));
      for (const id of this.workerIds) boss.notifyWorker(id);
    }
  }

  private async execute(job: RenderJob): Promise<void> {
    const { locks, log } = this.options;
    const release = await locks.tryAcquire(job.runId);
    if (!release) return;
    const controller = new AbortController();
    this.active.set(job.runId, controller);
    try {
      await this.render(job, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof DbError && error.code === 'RUN_NOT_RUNNING') {
        log.info({ runId: job.runId }, 'run canceled while rendering: its render stopped');
        return;
      }
      log.error({ err: error, runId: job.runId }, 'run failed');
      await this.finish(job.runId, 'FAILED', { error: (error as Error).message || String(error) });
    } finally {
      this.active.delete(job.runId);
      await release();
    }
  }

  private async render(job: RenderJob, signal: AbortSignal): Promise<void> {
    const { prisma, storage, renderer, bus, log } = this.options;
    const { runId, params } = job;
    const run = await getRun(prisma, runId);
    if (!run || this.stopping) return;
    const fromFrame = await countFrames(prisma, runId);
    const started = performance.now();
    if (run.status !== 'RUNNING') {
      // Only a QUEUED run starts. One canceled (or deleted) before this pick-up, however close the
      // race, is refused here by the data layer: nothing to render, and nothing went wrong.
      try {
        await setRunStatus(prisma, runId, 'RUNNING', { from: ['QUEUED'] });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'STATUS_CONFLICT' || code === 'NOT_FOUND') {
          log.info({ runId }, 'run was canceled before a worker picked it up');
          return;
        }
        throw error;
      }
      await bus.publish({
        type: 'status',
        runId,
        status: 'RUNNING',
        error: null,
        done: fromFrame,
        total: params.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId });
    }
    log.info({ runId, fromFrame, steps: params.steps }, 'rendering run');
    const result = renderer.render(job, {
      fromFrame,
      previousFrameKey: fromFrame > 0 ? frameKey(runId, fromFrame - 1) : null,
      signal,
    });
    for await (const frame of result.frames) {
      // Canceled while this frame was on its way: store nothing more.
      if (signal.aborted) return;
      const key = frameKey(runId, frame.index);
      await storage.put(key, frame.png);
      await upsertFrame(prisma, {
        runId,
        index: frame.index,
        alpha: frame.alpha,
        noiseLevel: frame.noiseLevel,
        storageKey: key,
        width: params.width,
        height: params.height,
        decodeMs: frame.decodeMs,
        change: frame.change,
      });
      await bus.publish({
        type: 'frame',
        runId,
        index: frame.index,
        alpha: frame.alpha,
        noiseLevel: frame.noiseLevel,
        url: fileUrl(key),
        decodeMs: frame.decodeMs,
        change: frame.change,
        done: frame.index + 1,
        total: params.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId });
    }
    if (signal.aborted || this.stopping) return;
    await this.finish(runId, 'SUCCEEDED', {
      encodeMs: result.encodeMs(),
      totalMs: performance.now() - started,
    });
  }

  /** Final status, unless a cancel got there first. */
  private async finish(
    runId: string,
    status: 'SUCCEEDED' | 'FAILED',
    change: { error?: string; encodeMs?: number; totalMs?: number },
  ): Promise<void> {
    const { prisma, bus, log } = this.options;
    try {
      const run = await setRunStatus(prisma, runId, status, {
        ...change,
        from: ['RUNNING', 'QUEUED'],
      });
      const done = await countFrames(prisma, runId);
      await bus.publish({
        type: 'status',
        runId,
        status: run.status,
        error: run.error,
        done,
        total: run.params.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'STATUS_CONFLICT' || code === 'NOT_FOUND') return;
      log.error({ err: error, runId }, 'could not record the final status');
    }
  }
}

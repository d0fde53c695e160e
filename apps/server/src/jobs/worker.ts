import {
  countFrames,
  getRun,
  listRuns,
  RunStatus as DbRunStatus,
  setRunStatus,
  upsertFrame,
  type PrismaClient,
} from '@latent-lab/db';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { RunStatus } from '../graphql/enums.ts';
import type { EventBus } from '../events/bus.ts';
import { fileUrl } from '../http/files.ts';
import { frameKey, TERMINAL_STATUSES } from '../services/views.ts';
import type { Storage } from '../storage/storage.ts';
import type { RunLocks } from './locks.ts';
import type { ThreadRenderer } from './renderer.ts';
import type { ThreadRunSpec } from './render-protocol.ts';
import { enqueueRender, RENDER_QUEUE, type RenderJob } from './queue.ts';

export interface WorkerOptions {
  prisma: PrismaClient;
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

/**
 * Renders queued runs: each frame is stored (file, then an idempotent row) and announced before
 * the next one starts. A run left RUNNING by a dead worker is resumed from its stored frame count,
 * and a cancel aborts the render between frames.
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
      if (event.type === 'queued') for (const id of this.workerIds) boss.notifyWorker(id);
      if (event.type === 'status' && event.status === RunStatus.CANCELED)
        this.active.get(event.runId)?.abort();
    });
    // pg-boss 10 has no per-worker concurrency: one polling worker per slot.
    for (let slot = 0; slot < concurrency; slot++) {
      this.workerIds.push(
        await boss.work<RenderJob>(
          RENDER_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: 2 },
          async ([job]) => {
            if (job) await this.execute(job.data.runId);
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
    const running = await listRuns(prisma, {
      first: 100,
      filter: { status: [DbRunStatus.RUNNING] },
    });
    for (const run of running.nodes) {
      const release = await locks.tryAcquire(run.id);
      if (!release) continue;
      await release();
      log.info({ runId: run.id }, 'resuming a run left RUNNING by a stopped worker');
      await enqueueRender(boss, run.id);
      for (const id of this.workerIds) boss.notifyWorker(id);
    }
  }

  private async execute(runId: string): Promise<void> {
    const { locks, log } = this.options;
    const release = await locks.tryAcquire(runId);
    if (!release) return;
    const controller = new AbortController();
    this.active.set(runId, controller);
    try {
      await this.render(runId, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      log.error({ err: error, runId }, 'run failed');
      await this.finish(runId, DbRunStatus.FAILED, {
        error: (error as Error).message || String(error),
      });
    } finally {
      this.active.delete(runId);
      await release();
    }
  }

  private async render(runId: string, signal: AbortSignal): Promise<void> {
    const { prisma, storage, renderer, bus, log } = this.options;
    const run = await getRun(prisma, runId);
    if (!run || TERMINAL_STATUSES.has(run.status) || this.stopping) return;
    const fromFrame = await countFrames(prisma, runId);
    const started = performance.now();
    if (run.status !== DbRunStatus.RUNNING) {
      await setRunStatus(prisma, runId, DbRunStatus.RUNNING, { from: [DbRunStatus.QUEUED] });
      await bus.publish({
        type: 'status',
        runId,
        status: RunStatus.RUNNING,
        error: null,
        done: fromFrame,
        total: run.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId });
    }
    log.info({ runId, fromFrame, steps: run.steps }, 'rendering run');
    const spec: ThreadRunSpec = {
      model: run.model,
      keyframes: run.keyframes.map(({ image }) => ({
        sha256: image.sha256,
        storageKey: image.storageKey,
      })),
      steps: run.steps,
      method: run.method as ThreadRunSpec['method'],
      easing: run.easing as ThreadRunSpec['easing'],
      width: run.width,
      height: run.height,
      fit: run.fit as ThreadRunSpec['fit'],
      noise: {
        level: run.noiseLevel,
        mode: run.noiseMode as ThreadRunSpec['noise']['mode'],
        schedule: run.noiseSchedule as ThreadRunSpec['noise']['schedule'],
        shared: run.noiseShared,
        seed: run.seed,
      },
    };
    const result = renderer.render(spec, {
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
        width: run.width,
        height: run.height,
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
        total: run.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId });
    }
    if (signal.aborted || this.stopping) return;
    await this.finish(runId, DbRunStatus.SUCCEEDED, {
      encodeMs: result.encodeMs(),
      totalMs: performance.now() - started,
    });
  }

  /** Final status, unless a cancel got there first. */
  private async finish(
    runId: string,
    status: typeof DbRunStatus.SUCCEEDED | typeof DbRunStatus.FAILED,
    change: { error?: string; encodeMs?: number; totalMs?: number },
  ): Promise<void> {
    const { prisma, bus, log } = this.options;
    try {
      const run = await setRunStatus(prisma, runId, status, {
        ...change,
        from: [DbRunStatus.RUNNING, DbRunStatus.QUEUED],
      });
      const done = await countFrames(prisma, runId);
      await bus.publish({
        type: 'status',
        runId,
        status: run.status as RunStatus,
        error: run.error,
        done,
        total: run.steps,
      });
      await bus.publish({ type: 'run', kind: 'UPDATED', runId });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'STATUS_CONFLICT' || code === 'NOT_FOUND') return;
      log.error({ err: error, runId }, 'could not record the final status');
    }
  }
}

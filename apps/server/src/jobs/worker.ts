import {
  countFrames,
  DbError,
  getImages,
  getRun,
  setRunStatus,
  upsertFrame,
  type DbClient,
} from '@latent-lab/db';
import { fileUrl, frameKey, frameThumbKey, isFinished, type RunRecord } from '@latent-lab/domain';
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
  /** The render queue's job expiry: a job renders for at most half of it, then hands on. */
  expireInSeconds: number;
}

/** A job that this worker hands back to the queue (pg-boss retries it after its retry delay). */
class HandBack extends Error {
  override readonly name = 'HandBack';
}

/** The job for a stored run: its parameters as stored, keyframes resolved to hashes and keys. */
export async function renderJobFor(prisma: DbClient, run: RunRecord): Promise<RenderJob> {
  const images = new Map(
    (await getImages(prisma, run.params.keyframes, run.workspaceId)).map((i) => [i.id, i]),
  );
  const keyframes = run.params.keyframes.map((id) => {
    const image = images.get(id);
    if (!image) throw new Error(`keyframe image ${id} of run ${run.id} is gone`);
    return { sha256: image.sha256, storageKey: image.storageKey };
  });
  return { runId: run.id, workspaceId: run.workspaceId, params: run.params, keyframes };
}

/**
 * Renders queued runs: each frame is stored (file, then an idempotent row that the data layer
 * refuses once the run is no longer RUNNING) and announced before the next one starts; a cancel
 * aborts the render.
 *
 * A job renders one slice of its run: frames until half the queue's job expiry has passed, then it
 * sends a job for the rest and completes. So a job still active past its expiry belongs to a worker
 * that died, and pg-boss fails and retries it (to whichever worker fetches it first) within seconds;
 * the retry resumes from the stored frame count. A session advisory lock per run (dropped by
 * PostgreSQL when a process dies) keeps two live workers from rendering one run at once: a job
 * whose run another worker holds is handed back to be retried. On stop the current frame of each
 * render is finished and stored, and the rest of the run handed on in a new job.
 */
export class RunWorker {
  private readonly active = new Map<
    string,
    { cancel: AbortController; handBack: AbortController; done: Promise<unknown> }
  >();
  private readonly workerIds: string[] = [];
  private unsubscribe: (() => void) | undefined;
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {}

  async start(): Promise<void> {
    const { boss, bus, concurrency } = this.options;
    this.unsubscribe = bus.subscribe((event) => {
      // After a LISTEN reconnect a 'queued' may have been missed: look now rather than at the next poll.
      if (event.type === 'queued' || event.type === 'resync')
        for (const id of this.workerIds) boss.notifyWorker(id);
      if (event.type === 'status' && event.status === 'CANCELED')
        this.active.get(event.runId)?.cancel.abort();
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
  }

  /** Fetches no more jobs; each render stores its current frame and hands the rest on. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.options.boss.offWork(RENDER_QUEUE);
    for (const render of this.active.values()) render.handBack.abort();
    await Promise.allSettled([...this.active.values()].map((render) => render.done));
    this.unsubscribe?.();
    // pg-boss completes a job just after its handler returns: let that query start.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private async execute(job: RenderJob): Promise<void> {
    const { locks, log, boss, bus } = this.options;
    if (this.stopping) throw new HandBack('the worker is stopping');
    const release = await locks.tryAcquire(job.runId);
    if (!release) {
      // Another live worker renders it (its job expired while a frame took long): try again later,
      // so the run is not lost if that worker dies.
      log.info({ runId: job.runId }, 'run is being rendered by another worker: job handed back');
      throw new HandBack(`run ${job.runId} is being rendered by another worker`);
    }
    const cancel = new AbortController();
    const handBack = new AbortController();
    let handOn = false;
    const done = (async () => {
      try {
        handOn = (await this.render(job, cancel.signal, handBack.signal)) === 'slice-ended';
      } catch (error) {
        if (cancel.signal.aborted) return;
        if (error instanceof DbError && error.code === 'RUN_NOT_RUNNING') {
          log.info({ runId: job.runId }, 'run canceled while rendering: its render stopped');
          return;
        }
        log.error({ err: error, runId: job.runId }, 'run failed');
        await this.finish(job.runId, 'FAILED', {
          error: (error as Error).message || String(error),
        });
      }
    })();
    this.active.set(job.runId, { cancel, handBack, done });
    try {
      await done;
    } finally {
      this.active.delete(job.runId);
      await release();
    }
    if (handOn) {
      // The rest of the run, in a new job: any worker (this one included) resumes it.
      await enqueueRender(boss, job);
      await bus.publish({ type: 'queued', runId: job.runId });
    }
  }

  /** Renders from the stored frame count until the run ends, or until this slice's time is up. */
  private async render(
    job: RenderJob,
    signal: AbortSignal,
    handBack: AbortSignal,
  ): Promise<'ended' | 'slice-ended'> {
    const { prisma, storage, renderer, bus, log } = this.options;
    const { runId, params, workspaceId } = job;
    const sliceEnds = performance.now() + (this.options.expireInSeconds * 1000) / 2;
    const run = await getRun(prisma, runId);
    if (!run || isFinished(run.status)) {
      // Canceled (or deleted) before this pick-up: nothing to render, and nothing went wrong. A
      // run that ended otherwise was finished by an earlier job of its own.
      if (!run || run.status === 'CANCELED')
        log.info({ runId }, 'run was canceled before a worker picked it up');
      return 'ended';
    }
    if (this.stopping) return 'slice-ended';
    const fromFrame = await countFrames(prisma, runId);
    let startedAt = run.startedAt ?? new Date();
    if (run.status !== 'RUNNING') {
      // Only a QUEUED run starts. One canceled (or deleted) before this pick-up, however close the
      // race, is refused here by the data layer: nothing to render, and nothing went wrong.
      try {
        startedAt =
          (await setRunStatus(prisma, runId, 'RUNNING', { from: ['QUEUED'] })).startedAt ??
          startedAt;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'STATUS_CONFLICT' || code === 'NOT_FOUND') {
          log.info({ runId }, 'run was canceled before a worker picked it up');
          return 'ended';
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
      await bus.publish({ type: 'run', kind: 'UPDATED', runId, workspaceId });
    }
    if (fromFrame < params.steps) {
      log.info({ runId, fromFrame, steps: params.steps }, 'rendering run');
      const result = renderer.render(job, {
        fromFrame,
        previousFrameKey: fromFrame > 0 ? frameKey(runId, fromFrame - 1) : null,
        signal,
      });
      for await (const frame of result.frames) {
        // Canceled while this frame was on its way: store nothing more.
        if (signal.aborted) return 'ended';
        const key = frameKey(runId, frame.index);
        const thumbKey = frameThumbKey(runId, frame.index);
        await Promise.all([storage.put(key, frame.png), storage.put(thumbKey, frame.thumbnail)]);
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
          thumbnailKey: thumbKey,
          byteSize: frame.png.byteLength,
        });
        await bus.publish({
          type: 'frame',
          runId,
          index: frame.index,
          alpha: frame.alpha,
          noiseLevel: frame.noiseLevel,
          url: fileUrl(key),
          thumbnailUrl: fileUrl(thumbKey),
          decodeMs: frame.decodeMs,
          change: frame.change,
          done: frame.index + 1,
          total: params.steps,
        });
        await bus.publish({ type: 'run', kind: 'UPDATED', runId, workspaceId });
        const more = frame.index + 1 < params.steps;
        // Leaving the loop stops the render thread; the next slice resumes after this frame.
        if (more && (handBack.aborted || performance.now() >= sliceEnds)) return 'slice-ended';
      }
      if (signal.aborted) return 'ended';
      // Keyframe encoding is measured by a render that started the run (later slices find the
      // latents cached); the total runs from the run's start, across slices and workers.
      await this.finish(runId, 'SUCCEEDED', {
        ...(fromFrame === 0 ? { encodeMs: result.encodeMs() } : {}),
        totalMs: Date.now() - startedAt.getTime(),
      });
      return 'ended';
    }
    // Every frame was stored by an earlier slice that did not record the end.
    await this.finish(runId, 'SUCCEEDED', { totalMs: Date.now() - startedAt.getTime() });
    return 'ended';
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
      await bus.publish({ type: 'run', kind: 'UPDATED', runId, workspaceId: run.workspaceId });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'STATUS_CONFLICT' || code === 'NOT_FOUND') return;
      log.error({ err: error, runId }, 'could not record the final status');
    }
  }
}

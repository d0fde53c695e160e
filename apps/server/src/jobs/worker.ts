import {
  countFrames,
  DbError,
  getRun,
  listFrames,
  recordEncodeTime,
  setRunStatus,
  upsertFrame,
  type DbClient,
} from '@latent-lab/db';
import {
  fileUrl,
  frameKey,
  frameThumbKey,
  isFinished,
  rolesHolding,
  type RunMetrics,
} from '@latent-lab/domain';
import type { Storage } from '@latent-lab/storage';
import type { Job, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.ts';
import { Metrics } from '../metrics.ts';
import { inSpan } from '../tracing.ts';
import { CREATOR_NOT_ALLOWED_MESSAGE, runFailureMessage } from './failure.ts';
import type { RunLocks } from './locks.ts';
import type { ThreadRenderer } from './renderer.ts';
import type { RenderedFrame } from './render-protocol.ts';
import { RENDER_DEAD_QUEUE, RENDER_QUEUE, type RenderJob } from './queue.ts';

export interface WorkerOptions {
  prisma: DbClient;
  boss: PgBoss;
  bus: EventBus;
  storage: Storage;
  renderer: ThreadRenderer;
  locks: RunLocks;
  log: Logger;
  concurrency: number;
  metrics: Metrics;
  /** An idle slot looks for a queued job this often (RENDER_JOB_POLL_SECONDS). */
  pollSeconds: number;
}

const RETRIED_OUT_MESSAGE =
  'The render was interrupted too many times (each worker that took it up stopped or died), so the run was stopped. The server log has the details.';

/** A job that this worker hands back to the queue (pg-boss retries it after its retry delay). */
class HandBack extends Error {
  override readonly name = 'HandBack';
}

/**
 * Renders queued runs: each frame is stored (file, then an idempotent row that the data layer
 * refuses once the run is no longer RUNNING) and announced before the next one starts; a cancel
 * aborts the render.
 *
 * One job renders its whole run, however long: pg-boss refreshes the job's heartbeat while the
 * handler runs, so a job whose heartbeat stops belongs to a worker that died, and pg-boss fails and
 * retries it (same job id, to whichever worker fetches it first) within about the heartbeat
 * interval; the retry resumes from the stored frame count. A session advisory lock per run
 * (dropped by PostgreSQL when a process dies) keeps two live workers from rendering one run at once:
 * a job whose run another worker holds is handed back to be retried. A worker that loses its claim
 * (its heartbeat came too late) stops after the current frame. On stop the current frame of each
 * render is finished and stored, and the job handed back, so another worker resumes the run.
 * A render from frame 0 measures the run's metrics as it goes; a resumed run's are measured from
 * its stored frames on a render thread, to the same figures. They are recorded with SUCCEEDED.
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
    // One polling worker per slot, each woken on its own by notifyWorker.
    for (let slot = 0; slot < concurrency; slot++) {
      const workerId = await boss.work<RenderJob>(
        RENDER_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollSeconds },
        async ([job]) => {
          if (!job) return;
          try {
            await this.execute(job);
          } finally {
            // More may be queued (a sweep queues many): look now, not at the next poll.
            const self = this.workerIds[slot];
            if (self && !this.stopping) boss.notifyWorker(self);
          }
        },
      );
      this.workerIds.push(workerId);
    }
    await boss.work<RenderJob>(
      RENDER_DEAD_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: this.options.pollSeconds },
      async ([job]) => {
        if (job) await this.failRetriedOut(job);
      },
    );
  }

  /**
   * A run whose job used all its retries (each worker that took it died or handed it back) ends
   * FAILED, rather than RUNNING or QUEUED for good (unless it ended otherwise first: see finish).
   */
  private async failRetriedOut({ data: job }: Job<RenderJob>): Promise<void> {
    const { log } = this.options;
    if (await this.finish(job.runId, 'FAILED', { error: RETRIED_OUT_MESSAGE }))
      log.error({ runId: job.runId }, 'render job used all its retries: run failed');
    else log.info({ runId: job.runId }, 'render job used all its retries after its run ended');
  }

  /** Fetches no more jobs; each render stores its current frame and hands its job back. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const render of this.active.values()) render.handBack.abort();
    // Waits for the handlers, so each job is failed (to be retried) before the queue closes.
    await this.options.boss.offWork(RENDER_QUEUE, { wait: true });
    await this.options.boss.offWork(RENDER_DEAD_QUEUE, { wait: true });
    await Promise.allSettled([...this.active.values()].map((render) => render.done));
    this.unsubscribe?.();
  }

  private async execute({ data: job, signal: claim }: Job<RenderJob>): Promise<void> {
    const { locks, log } = this.options;
    if (this.stopping) throw new HandBack('the worker is stopping');
    const release = await locks.tryAcquire(job.runId);
    if (!release) {
      // Another live worker renders it (it lost its claim while a frame took long): try again
      // later, so the run is not lost if that worker dies.
      log.info({ runId: job.runId }, 'run is being rendered by another worker: job handed back');
      throw new HandBack(`run ${job.runId} is being rendered by another worker`);
    }
    const cancel = new AbortController();
    const handBack = new AbortController();
    // pg-boss aborts the job's signal when the job is no longer this worker's (its heartbeat was
    // late and the job was retried): stop after the current frame.
    const lostClaim = () => handBack.abort();
    claim.addEventListener('abort', lostClaim, { once: true });
    let handedBack = false;
    const done = (async () => {
      try {
        handedBack = (await this.render(job, cancel.signal, handBack.signal)) === 'handed-back';
      } catch (error) {
        if (cancel.signal.aborted) return;
        if (error instanceof DbError && error.code === 'RUN_NOT_RUNNING') {
          log.info({ runId: job.runId }, 'run canceled while rendering: its render stopped');
          return;
        }
        log.error({ err: error, runId: job.runId }, 'run failed');
        await this.finish(job.runId, 'FAILED', {
          error: runFailureMessage(error, job.params),
        });
      }
    })();
    this.active.set(job.runId, { cancel, handBack, done });
    try {
      await done;
    } finally {
      claim.removeEventListener('abort', lostClaim);
      this.active.delete(job.runId);
      await release();
    }
    // The job is retried (same id) after its retry delay: any worker resumes the run.
    if (handedBack) throw new HandBack(`run ${job.runId} handed back after its current frame`);
  }

  /** Renders from the stored frame count until the run ends, or until the job is handed back. */
  private async render(
    job: RenderJob,
    signal: AbortSignal,
    handBack: AbortSignal,
  ): Promise<'ended' | 'handed-back'> {
    const { prisma, renderer, bus, log, metrics } = this.options;
    const { runId, params, workspaceId } = job;
    const renderLabels = Metrics.renderLabels(params);
    const [run, fromFrame] = await Promise.all([getRun(prisma, runId), countFrames(prisma, runId)]);
    if (!run || isFinished(run.status)) {
      // Canceled (or deleted) before this pick-up: nothing to render, and nothing went wrong. A
      // run that ended otherwise was finished by an earlier job of its own.
      if (!run || run.status === 'CANCELED')
        log.info({ runId }, 'run was canceled before a worker picked it up');
      return 'ended';
    }
    if (this.stopping) return 'handed-back';
    // The render thread starts on the run's first frame now, while the run becomes RUNNING (a first
    // decode takes far longer than that update: 12-30 ms, 2 of them published): frames are stored
    // only after it, and a run that cannot start stops its render before any is.
    const notStarted = new AbortController();
    const rendering =
      fromFrame < params.steps
        ? renderer.render(job, {
            fromFrame,
            previousFrameKey: fromFrame > 0 ? frameKey(runId, fromFrame - 1) : null,
            signal: AbortSignal.any([signal, notStarted.signal]),
          })
        : undefined;
    let startedAt = run.startedAt ?? new Date();
    let started = false;
    try {
      if (run.status !== 'RUNNING') {
        // Only a QUEUED run starts. One canceled (or deleted) before this pick-up, however close
        // the race, is refused here by the data layer: nothing to render, and nothing went wrong.
        // The creator's authority is used now, not only when they queued it: a run whose creator
        // was removed (or made a viewer) meanwhile does not start, decided in the same statement.
        try {
          startedAt =
            (
              await setRunStatus(prisma, runId, 'RUNNING', {
                from: ['QUEUED'],
                creatorRoles: rolesHolding('create'),
              })
            ).startedAt ?? startedAt;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'STATUS_CONFLICT' || code === 'NOT_FOUND') {
            log.info({ runId }, 'run was canceled before a worker picked it up');
            return 'ended';
          }
          if (code === 'CREATOR_NOT_ALLOWED') {
            log.info({ runId }, 'run not started: its creator may no longer create runs');
            await this.finish(runId, 'FAILED', { error: CREATOR_NOT_ALLOWED_MESSAGE });
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
      started = true;
    } finally {
      if (!started) {
        notStarted.abort();
        // Whatever the render did meanwhile is not this run's concern.
        rendering?.catch(() => {});
      }
    }
    if (rendering) {
      log.info({ runId, fromFrame, steps: params.steps }, 'rendering run');
      const rendered = await rendering;
      // This render's keyframe encoding time (it grows from frame 0 to frame 1), observed once.
      let encodeMs: number | undefined;
      try {
        for await (const frame of rendered.frames) {
          // Canceled while this frame was on its way: store nothing more.
          if (signal.aborted) return 'ended';
          // One span per frame, in the trace of the request that created the run (pg-boss carries
          // its context on the job): its decode, measured on the render thread, and its storing.
          await inSpan(
            'render frame',
            {
              'latent_lab.run_id': runId,
              'latent_lab.frame_index': frame.index,
              'latent_lab.decode_ms': frame.decodeMs,
            },
            () => this.storeFrame(job, frame),
          );
          metrics.frameDecodeSeconds.observe(renderLabels, frame.decodeMs / 1000);
          // Recorded as soon as a render that started the run has encoded the keyframes (a resumed
          // render finds the latents cached), so a hand-back before the end does not lose it.
          if (fromFrame === 0 && frame.encodeMs !== null) {
            encodeMs = frame.encodeMs;
            await recordEncodeTime(prisma, runId, frame.encodeMs);
          }
          metrics.framesRendered.inc({ model: params.model });
          const more = frame.index + 1 < params.steps;
          // Leaving the loop stops the render thread; the retried job resumes after this frame.
          if (more && handBack.aborted) return 'handed-back';
        }
      } finally {
        if (encodeMs !== undefined)
          metrics.keyframeEncodeSeconds.observe(renderLabels, encodeMs / 1000);
      }
      if (signal.aborted) return 'ended';
      // The total runs from the run's start, across workers.
      await this.finish(runId, 'SUCCEEDED', {
        metrics: rendered.metrics ?? (await this.measure(job)),
        totalMs: Date.now() - startedAt.getTime(),
      });
      return 'ended';
    }
    // Every frame was stored by an earlier attempt that did not record the end.
    await this.finish(runId, 'SUCCEEDED', {
      metrics: await this.measure(job),
      totalMs: Date.now() - startedAt.getTime(),
    });
    return 'ended';
  }

  /**
   * The run's metrics, measured on a render thread from its stored frames: the same figures
   * whether one worker rendered it or several, each resuming where the last stopped.
   */
  private async measure(job: RenderJob): Promise<RunMetrics> {
    const frames = await listFrames(this.options.prisma, job.runId);
    return this.options.renderer.measure(
      job,
      frames.map(({ alpha, change, storageKey }) => ({ alpha, change, storageKey })),
    );
  }

  /** Stores a frame (files, then its row) and announces it. */
  private async storeFrame(job: RenderJob, frame: RenderedFrame): Promise<void> {
    const { prisma, storage, bus } = this.options;
    const { runId, params, workspaceId } = job;
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
  }

  /** Final status, unless a cancel got there first; says whether this call recorded it. */
  private async finish(
    runId: string,
    status: 'SUCCEEDED' | 'FAILED',
    change: { error?: string; totalMs?: number; metrics?: RunMetrics },
  ): Promise<boolean> {
    const { prisma, bus, log } = this.options;
    try {
      const run = await setRunStatus(prisma, runId, status, {
        ...change,
        from: ['RUNNING', 'QUEUED'],
      });
      this.options.metrics.runsFinished.inc({ status: run.status });
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
      return true;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'STATUS_CONFLICT' && code !== 'NOT_FOUND')
        log.error({ err: error, runId }, 'could not record the final status');
      return false;
    }
  }
}

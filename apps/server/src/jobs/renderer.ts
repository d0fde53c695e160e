import { Worker } from 'node:worker_threads';
import { EngineError, type EngineErrorCode } from '@latent-lab/engine';
import { AsyncEventQueue } from '../events/queue.ts';
import type { RenderJob } from './queue.ts';
import type { FromThread, RenderThreadOptions, ThreadFrame, ToThread } from './render-protocol.ts';

export interface RenderResult {
  frames: AsyncIterable<ThreadFrame>;
  /** Keyframe encoding time of this render, known once the frames end. */
  encodeMs(): number;
}

interface Job {
  frames: AsyncEventQueue<ThreadFrame>;
  encodeMs: number;
}

/** One render thread: its own engine (models, latent cache) and its own event loop. */
class RenderThread {
  readonly worker: Worker;
  private readonly jobs = new Map<number, Job>();
  /** Renders aborted here that the thread has not yet ended (a decode runs to its end). */
  private readonly draining = new Set<number>();
  private idleWaiters: (() => void)[] = [];
  private nextId = 1;
  exited = false;

  constructor(options: RenderThreadOptions) {
    this.worker = new Worker(new URL('./render-thread.mjs', import.meta.url), {
      workerData: options,
    });
    this.worker.on('message', (message: FromThread) => this.receive(message));
    const failAll = (error: Error) => {
      this.exited = true;
      for (const job of this.jobs.values()) job.frames.fail(error);
      this.jobs.clear();
      this.draining.clear();
      this.wakeIdle();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`render thread exited (code ${code})`)));
  }

  /** Runs nothing, not even a decode still finishing for a render that was stopped. */
  get free(): boolean {
    return !this.exited && this.jobs.size === 0 && this.draining.size === 0;
  }

  /**
   * Resolves once the thread runs nothing: terminating it while onnxruntime decodes aborts the
   * whole process (a native error), so close() waits for the decode on its way to end.
   */
  idle(): Promise<void> {
    if (this.exited || (this.jobs.size === 0 && this.draining.size === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    if (!this.exited && (this.jobs.size > 0 || this.draining.size > 0)) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  render(
    renderJob: RenderJob,
    fromFrame: number,
    previousFrameKey: string | null,
    signal: AbortSignal,
  ): RenderResult {
    const id = this.nextId++;
    const stop = () => void frames.return();
    // Closing the frames, by abort or because the reader stopped early, stops the thread's render;
    // frames still on their way for it are dropped.
    const frames = new AsyncEventQueue<ThreadFrame>(() => {
      signal.removeEventListener('abort', stop);
      if (this.jobs.delete(id)) {
        this.draining.add(id);
        this.send({ type: 'abort', id });
      }
    });
    const job: Job = { frames, encodeMs: 0 };
    this.jobs.set(id, job);
    const { params, keyframes, workspaceId } = renderJob;
    this.send({ type: 'render', id, workspaceId, params, keyframes, fromFrame, previousFrameKey });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    return { frames, encodeMs: () => job.encodeMs };
  }

  private send(message: ToThread): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private receive(message: FromThread): void {
    if (message.type !== 'frame' && this.draining.delete(message.id)) this.wakeIdle();
    const job = this.jobs.get(message.id);
    if (!job) return;
    if (message.type === 'frame') {
      job.frames.push(message.frame);
      return;
    }
    this.jobs.delete(message.id);
    this.wakeIdle();
    if (message.type === 'done') {
      job.encodeMs = message.encodeMs;
      job.frames.end();
    } else {
      const { message: text, code, field } = message.error;
      job.frames.fail(
        code ? new EngineError(code as EngineErrorCode, text, field) : new Error(text),
      );
    }
  }
}

/**
 * Renders runs on worker threads, one per concurrent run, so decoding never blocks the process's
 * event loop. A thread that dies fails its render and is replaced on the next one. A render that
 * finds every thread busy (one still finishing the decode of a render that was stopped) waits for a
 * thread to be free: being busy is never a reason to fail a run.
 */
export class ThreadRenderer {
  private threads: RenderThread[] = [];

  constructor(
    private readonly options: RenderThreadOptions,
    private readonly size: number,
  ) {}

  async render(
    job: RenderJob,
    options: { fromFrame: number; previousFrameKey: string | null; signal: AbortSignal },
  ): Promise<RenderResult> {
    const thread = await this.freeThread();
    return thread.render(job, options.fromFrame, options.previousFrameKey, options.signal);
  }

  private async freeThread(): Promise<RenderThread> {
    for (;;) {
      this.threads = this.threads.filter((thread) => !thread.exited);
      const free = this.threads.find((candidate) => candidate.free);
      if (free) return free;
      if (this.threads.length < this.size) {
        const thread = new RenderThread(this.options);
        this.threads.push(thread);
        return thread;
      }
      await Promise.race(this.threads.map((thread) => thread.idle()));
    }
  }

  /**
   * Starts every render thread now and loads the model into each (at the default precision,
   * calibrating int8 once if needed), so no run pays the model load.
   */
  warm(model: string): void {
    while (this.threads.length < this.size) {
      const thread = new RenderThread(this.options);
      thread.worker.postMessage({ type: 'warm', model } satisfies ToThread);
      this.threads.push(thread);
    }
  }

  async close(): Promise<void> {
    // Renders still running were aborted by their owners; their current decode ends first.
    await Promise.all(
      this.threads.map((thread) =>
        Promise.race([
          thread.idle(),
          new Promise((resolve) => setTimeout(resolve, 60_000).unref()),
        ]),
      ),
    );
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
    this.threads = [];
  }
}

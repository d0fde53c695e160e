import { Worker } from 'node:worker_threads';
import { withOptionDefaults, type RunMetrics } from '@latent-lab/domain';
import { EngineError, rgb8Thumbnail, rgb8ToImage, type EngineErrorCode } from '@latent-lab/engine';
import { AsyncEventQueue } from '../events/queue.ts';
import { StoredFileMissing } from './failure.ts';
import type { RenderJob } from './queue.ts';
import type {
  FromThread,
  RenderedFrame,
  RenderThreadOptions,
  StoredFrameRef,
  ThreadError,
  ThreadFrame,
  ToThread,
} from './render-protocol.ts';

export interface RenderResult {
  frames: AsyncIterable<RenderedFrame>;
  /**
   * Set when the frames end: the run's metrics if the render started at frame 0 (measured as it
   * went), else null (measure the stored frames).
   */
  metrics: RunMetrics | null;
}

/**
 * When a render thread gives back the memory of large frames. An onnxruntime session keeps the
 * memory of the largest frame it ran (its arena; measured on one int8 render thread: 443 MB after
 * a 512x512 frame, 1.2 GB after 1024x1024, 2.9 GB after 2048x2048), so a thread that rendered or
 * measured frames of more than `abovePixels` closes its models once idle and loads them again warm
 * (about 0.5 s; 2048x2048: 2.9 GB -> 0.5 GB). The next large frame makes its sessions again
 * (2048x2048, 2 threads: first encode 3.6-6.1 s instead of 2.7 s, first decode 2.5 s, not 2.3 s).
 */
export interface ModelRelease {
  abovePixels: number;
  /** Called for each release (a metric). */
  onRelease?: () => void;
}

/** A thread's error report as an error here: the engine's own class when it carries a code. */
function threadError({ message, code, field, missing }: ThreadError): Error {
  if (missing) return new StoredFileMissing(missing, message);
  return code ? new EngineError(code as EngineErrorCode, message, field) : new Error(message);
}

/**
 * A thread's frame compressed for storage, its PNG and thumbnail made together by sharp on libuv's
 * pool, off this event loop and while the thread decodes the next frame.
 */
async function compressed({
  pixels,
  width,
  height,
  ...frame
}: ThreadFrame): Promise<RenderedFrame> {
  const [png, thumbnail] = await Promise.all([
    rgb8ToImage(pixels, width, height, 'png'),
    rgb8Thumbnail(pixels, width, height),
  ]);
  return { ...frame, png, thumbnail };
}

/** One render thread: its own engine (models, latent cache) and its own event loop. */
class RenderThread {
  readonly worker: Worker;
  /**
   * Each render's frames and result, by its id on this thread, and the compression of its frames
   * so far (in order, so the frames come out in the order the thread sent them).
   */
  private readonly jobs = new Map<
    number,
    { frames: AsyncEventQueue<RenderedFrame>; result: RenderResult; compressing: Promise<void> }
  >();
  /** Measurements in flight, each answered by one message. */
  private readonly measures = new Map<
    number,
    { resolve: (metrics: RunMetrics) => void; reject: (error: Error) => void }
  >();
  /** Renders aborted here that the thread has not yet ended (a decode runs to its end). */
  private readonly draining = new Set<number>();
  private idleWaiters: (() => void)[] = [];
  private nextId = 1;
  /** The warm-up is running (a decode: terminating the thread then would abort the process). */
  private warming = false;
  /** What the thread was warmed with, which a release loads again. */
  private warmed: { model: string; width: number; height: number } | undefined;
  /** A render or measurement since the last release had frames above `release.abovePixels`. */
  private large = false;
  exited = false;

  constructor(
    options: RenderThreadOptions,
    private readonly release: ModelRelease,
    /** Called each time a render waits for its reader to take a frame (a metric). */
    private readonly onWait: () => void = () => {},
  ) {
    this.worker = new Worker(new URL('./render-thread.mjs', import.meta.url), {
      workerData: options,
    });
    this.worker.on('message', (message: FromThread) => this.receive(message));
    const failAll = (error: Error) => {
      this.exited = true;
      for (const { frames } of this.jobs.values()) frames.fail(error);
      for (const measure of this.measures.values()) measure.reject(error);
      this.jobs.clear();
      this.measures.clear();
      this.draining.clear();
      this.wakeIdle();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`render thread exited (code ${code})`)));
  }

  /** Runs nothing, not even a decode still finishing for a render that was stopped. */
  get free(): boolean {
    return !this.exited && !this.rendering;
  }

  /** A render, the last decode of a stopped one, or a measurement is in flight. */
  private get rendering(): boolean {
    return this.jobs.size > 0 || this.draining.size > 0 || this.measures.size > 0;
  }

  /** Rendering or warming up: not to be terminated. A render may start during the warm-up. */
  private get busy(): boolean {
    return this.rendering || this.warming;
  }

  /**
   * Loads the model and runs it once on a blank frame of the default size, so the first run pays
   * for neither; the thread is busy until it reports back.
   */
  warm(model: string): void {
    const { width, height } = withOptionDefaults<{ width?: number; height?: number }>({});
    this.warmed = { model, width: width!, height: height! };
    this.warming = true;
    this.send({ type: 'warm', ...this.warmed });
  }

  /** Notes a render or measurement of `job`'s frames, which may call for a release after it. */
  private noteSize(job: RenderJob): void {
    const { width, height } = withOptionDefaults(job.params);
    if (width * height > this.release.abovePixels) this.large = true;
  }

  /** Releases the models after large frames once nothing runs (the thread is busy until warm). */
  private releaseIfLarge(): void {
    if (this.exited || this.rendering || this.warming || !this.large || !this.warmed) return;
    this.large = false;
    this.warming = true;
    this.send({ type: 'release', ...this.warmed });
    this.release.onRelease?.();
  }

  /**
   * Resolves once the thread runs nothing: terminating it while onnxruntime decodes aborts the
   * whole process (a native error), so close() waits for the decode on its way to end.
   */
  idle(): Promise<void> {
    if (this.exited || !this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Called whenever work on the thread ends: a release, if due, starts before idle waiters wake. */
  private wakeIdle(): void {
    this.releaseIfLarge();
    if (!this.exited && this.busy) return;
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
    const frames = new AsyncEventQueue<RenderedFrame>(() => {
      signal.removeEventListener('abort', stop);
      if (this.jobs.delete(id)) {
        this.draining.add(id);
        this.send({ type: 'abort', id });
      }
    });
    // Each frame the reader takes lets the thread decode one more (see FRAMES_AHEAD).
    const pulled: AsyncIterableIterator<RenderedFrame> = {
      next: async () => {
        const next = await frames.next();
        if (!next.done) this.send({ type: 'pull', id });
        return next;
      },
      return: () => frames.return(),
      [Symbol.asyncIterator]: () => pulled,
    };
    const result: RenderResult = { frames: pulled, metrics: null };
    this.jobs.set(id, { frames, result, compressing: Promise.resolve() });
    this.noteSize(renderJob);
    const { params, keyframes, workspaceId } = renderJob;
    this.send({ type: 'render', id, workspaceId, params, keyframes, fromFrame, previousFrameKey });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    return result;
  }

  measure(renderJob: RenderJob, frames: StoredFrameRef[]): Promise<RunMetrics> {
    const id = this.nextId++;
    const { params, keyframes, workspaceId } = renderJob;
    const metrics = new Promise<RunMetrics>((resolve, reject) =>
      this.measures.set(id, { resolve, reject }),
    );
    this.noteSize(renderJob);
    this.send({ type: 'measure', id, workspaceId, params, keyframes, frames });
    return metrics;
  }

  private send(message: ToThread): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private receive(message: FromThread): void {
    if (message.type === 'warmed') {
      this.warming = false;
      this.wakeIdle();
      return;
    }
    if (message.type === 'waiting') {
      if (this.jobs.has(message.id)) this.onWait();
      return;
    }
    if (message.type !== 'frame' && this.draining.delete(message.id)) this.wakeIdle();
    const measure = this.measures.get(message.id);
    if (measure) {
      this.measures.delete(message.id);
      this.wakeIdle();
      if (message.type === 'metrics') measure.resolve(message.metrics);
      else if (message.type === 'error') measure.reject(threadError(message.error));
      return;
    }
    const job = this.jobs.get(message.id);
    if (!job) return;
    const { frames, result } = job;
    if (message.type === 'frame') {
      const frame = message.frame;
      job.compressing = job.compressing
        .then(async () => frames.push(await compressed(frame)))
        .catch((error: unknown) => frames.fail(error));
      return;
    }
    this.jobs.delete(message.id);
    this.wakeIdle();
    // The thread is free now; the frames end after those still being compressed.
    void job.compressing.then(() => {
      if (message.type === 'done') {
        result.metrics = message.metrics;
        frames.end();
      } else if (message.type === 'error') {
        frames.fail(threadError(message.error));
      }
    });
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
  /** The model the threads are warmed with (see `warm`); a thread started later warms too. */
  private warmModel: string | undefined;

  constructor(
    private readonly options: RenderThreadOptions,
    private readonly size: number,
    private readonly release: ModelRelease,
    /** Called each time a render waits for the store to take its frames (see FRAMES_AHEAD). */
    private readonly onWait?: () => void,
  ) {}

  async render(
    job: RenderJob,
    options: { fromFrame: number; previousFrameKey: string | null; signal: AbortSignal },
  ): Promise<RenderResult> {
    const thread = await this.freeThread();
    return thread.render(job, options.fromFrame, options.previousFrameKey, options.signal);
  }

  /** A finished run's metrics, measured on a render thread from the run's stored frames. */
  async measure(job: RenderJob, frames: StoredFrameRef[]): Promise<RunMetrics> {
    return (await this.freeThread()).measure(job, frames);
  }

  private async freeThread(): Promise<RenderThread> {
    for (;;) {
      this.threads = this.threads.filter((thread) => !thread.exited);
      const free = this.threads.find((candidate) => candidate.free);
      if (free) return free;
      if (this.threads.length < this.size) {
        const thread = new RenderThread(this.options, this.release, this.onWait);
        if (this.warmModel) thread.warm(this.warmModel);
        this.threads.push(thread);
        return thread;
      }
      await Promise.race(this.threads.map((thread) => thread.idle()));
    }
  }

  /**
   * Starts every render thread now and loads the model into each (at the default precision,
   * calibrating int8 once if needed) with the sessions of the default frame size, so no run pays
   * the model load.
   */
  warm(model: string): void {
    this.warmModel = model;
    while (this.threads.length < this.size) {
      const thread = new RenderThread(this.options, this.release, this.onWait);
      thread.warm(model);
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

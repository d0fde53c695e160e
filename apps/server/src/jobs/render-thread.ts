// Body of a render thread: onnxruntime's run() blocks the thread it is called on for a whole
// decode, so rendering lives here and the server's event loop stays free for requests and events.
import { parentPort, workerData } from 'node:worker_threads';
import {
  BlobLatentCache,
  Engine,
  EngineError,
  frameChange,
  imageToRgb8,
  renderSpec,
  tensorToRgb8,
} from '@latent-lab/engine';
import { openStorage } from '@latent-lab/storage';
import { StoredFileMissing } from './failure.ts';
import {
  FRAMES_AHEAD,
  type FromThread,
  type RenderThreadOptions,
  type ToThread,
} from './render-protocol.ts';

type RenderRequest = Extract<ToThread, { type: 'render' }>;
type MeasureRequest = Extract<ToThread, { type: 'measure' }>;

const port = parentPort!;
const options = workerData as RenderThreadOptions;
const storage = openStorage(options.storage);
const engine = new Engine({
  latentCache: new BlobLatentCache(storage),
  intraOpThreads: options.intraOpThreads,
  imageLimits: options.imageLimits,
  locations: options.models,
});
/** Renders in progress: how to stop each, its frames its reader has not taken, and its wait for one. */
const renders = new Map<
  number,
  { controller: AbortController; ahead: number; wake: (() => void) | undefined }
>();
/** The last release (see `release`): renders and measurements start once it has loaded again. */
let released: Promise<void> = Promise.resolve();

function send(message: FromThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function stored(key: string, what: 'keyframe' | 'frame'): Promise<Uint8Array> {
  const bytes = await storage.get(key);
  if (!bytes) throw new StoredFileMissing(what, `${what} file ${key} is missing from storage`);
  return bytes;
}

function specOf(message: RenderRequest | MeasureRequest) {
  return renderSpec(
    message.params,
    message.keyframes.map(({ sha256, storageKey }) => ({
      sha256,
      read: () => stored(storageKey, 'keyframe'),
    })),
    message.workspaceId,
  );
}

/** Reports a failed request, with the engine's code and field or the missing file when it has them. */
function sendError(id: number, error: unknown): void {
  const { code, field } =
    error instanceof EngineError ? error : { code: undefined, field: undefined };
  const missing = error instanceof StoredFileMissing ? error.what : undefined;
  send({
    type: 'error',
    id,
    error: { message: (error as Error).message ?? String(error), code, field, missing },
  });
}

async function render(message: RenderRequest): Promise<void> {
  const controller = new AbortController();
  const state = { controller, ahead: 0, wake: undefined as (() => void) | undefined };
  renders.set(message.id, state);
  try {
    await released;
    const encodeBefore = engine.stats.encodeMs;
    let encodeSent = 0;
    const spec = specOf(message);
    // The previous frame's 8-bit pixels: after a resume, the stored frame decoded once.
    let previous: Uint8Array | undefined;
    if (message.previousFrameKey) {
      previous = await imageToRgb8(await stored(message.previousFrameKey, 'frame'));
    }
    // A render from frame 0 measures the run as it goes; a resumed one leaves it to the stored frames.
    const meter = message.fromFrame === 0 ? engine.meter(spec) : undefined;
    for await (const frame of engine.render(spec, {
      fromFrame: message.fromFrame,
      signal: controller.signal,
      meter,
    })) {
      const pixels = tensorToRgb8(frame.rgb);
      const [, , height, width] = frame.rgb.shape;
      const change = previous ? frameChange(previous, pixels) : null;
      previous = pixels;
      const { index, alpha, noiseLevel, decodeMs } = frame;
      meter?.frame(index, alpha, change, pixels);
      // This render's encoding time so far, on its first frame and again whenever it grew (frame 0
      // comes after the first keyframe's encoding, frame 1 after the others').
      const encoded = engine.stats.encodeMs - encodeBefore;
      const encodeMs = index === message.fromFrame || encoded !== encodeSent ? encoded : null;
      encodeSent = encoded;
      // The pixels go out raw, to be compressed (PNG, thumbnail) by the process while this thread
      // decodes the next frame: a decode blocks this thread, so a frame compressed here would wait
      // for the next decode to be sent, or hold it back. A copy to transfer: this thread keeps its own.
      const sent = pixels.slice();
      send(
        {
          type: 'frame',
          id: message.id,
          frame: {
            index,
            alpha,
            noiseLevel,
            decodeMs,
            encodeMs,
            change,
            pixels: sent,
            width,
            height,
          },
        },
        [sent.buffer],
      );
      state.ahead++;
      // Backpressure: no next decode while the reader is FRAMES_AHEAD frames behind (after the
      // last frame there is none to hold back). An abort wakes the wait, and the render stops.
      while (
        state.ahead >= FRAMES_AHEAD &&
        index + 1 < message.params.steps &&
        !controller.signal.aborted
      ) {
        send({ type: 'waiting', id: message.id });
        await new Promise<void>((resolve) => (state.wake = resolve));
      }
    }
    send({ type: 'done', id: message.id, metrics: meter ? await meter.result() : null });
  } catch (error) {
    sendError(message.id, error);
  } finally {
    renders.delete(message.id);
  }
}

/** A finished run's metrics, from its stored frames (pixels read only where the engine asks). */
async function measure(message: MeasureRequest): Promise<void> {
  try {
    await released;
    const { frames } = message;
    const metrics = await engine.measure(specOf(message), {
      frames,
      pixels: async (index) => imageToRgb8(await stored(frames[index]!.storageKey, 'frame')),
    });
    send({ type: 'metrics', id: message.id, metrics });
  } catch (error) {
    sendError(message.id, error);
  }
}

/** Loads a model and runs it once at a frame size; 'warmed' reports the end, failed or not. */
function warm({ model, width, height }: { model: string; width: number; height: number }) {
  // A failed warm-up (weights missing) is reported by the first run that needs the model.
  return engine
    .vae(model, 'auto')
    .then((vae) => vae.prepare(height, width))
    .catch(() => {})
    .finally(() => send({ type: 'warmed' }));
}

port.on('message', (message: ToThread) => {
  if (message.type === 'render') void render(message);
  else if (message.type === 'measure') void measure(message);
  else if (message.type === 'warm') void warm(message);
  // Sent only while nothing runs here: closing a session during a decode aborts the process.
  else if (message.type === 'release')
    released = engine
      .close()
      .catch(() => {})
      .then(() => warm(message));
  else {
    const state = renders.get(message.id);
    if (!state) return;
    if (message.type === 'pull') state.ahead--;
    else state.controller.abort();
    state.wake?.();
    state.wake = undefined;
  }
});

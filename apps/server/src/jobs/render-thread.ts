// Body of a render thread: onnxruntime's run() blocks the thread it is called on for a whole
// decode, so rendering lives here and the server's event loop stays free for requests and events.
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, EngineError, tensorToImage } from '@latent-lab/engine';
import { StorageLatentCache } from '../storage/latent-cache.ts';
import { LocalStorage } from '../storage/storage.ts';
import type { FromThread, RenderThreadOptions, ToThread } from './render-protocol.ts';

const port = parentPort!;
const options = workerData as RenderThreadOptions;
const storage = new LocalStorage(options.storageRoot);
const engine = new Engine({
  latentCache: new StorageLatentCache(storage),
  intraOpThreads: options.intraOpThreads,
  imageLimits: options.imageLimits,
  runLimits: options.runLimits,
});
const renders = new Map<number, AbortController>();

function send(message: FromThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function render(message: Extract<ToThread, { type: 'render' }>): Promise<void> {
  const controller = new AbortController();
  renders.set(message.id, controller);
  const encodeBefore = engine.stats.encodeMs;
  try {
    const spec = {
      ...message.spec,
      keyframes: message.spec.keyframes.map(({ sha256, storageKey }) => ({
        sha256,
        read: async () => {
          const bytes = await storage.get(storageKey);
          if (!bytes) throw new Error(`keyframe file ${storageKey} is missing from storage`);
          return bytes;
        },
      })),
    };
    for await (const frame of engine.render(spec, {
      fromFrame: message.fromFrame,
      signal: controller.signal,
    })) {
      const png = new Uint8Array(await tensorToImage(frame.rgb, 'png'));
      const { index, alpha, noiseLevel, decodeMs } = frame;
      send({ type: 'frame', id: message.id, frame: { index, alpha, noiseLevel, decodeMs, png } }, [
        png.buffer,
      ]);
    }
    send({ type: 'done', id: message.id, encodeMs: engine.stats.encodeMs - encodeBefore });
  } catch (error) {
    const { code, field } =
      error instanceof EngineError ? error : { code: undefined, field: undefined };
    send({
      type: 'error',
      id: message.id,
      error: { message: (error as Error).message ?? String(error), code, field },
    });
  } finally {
    renders.delete(message.id);
  }
}

port.on('message', (message: ToThread) => {
  if (message.type === 'render') void render(message);
  else renders.get(message.id)?.abort();
});

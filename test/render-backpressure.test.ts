// A render thread runs at most FRAMES_AHEAD frames ahead of its reader (the worker storing them):
// at that many untaken frames it reports 'waiting' and decodes nothing more until a 'pull', so a
// slow store holds a render back instead of filling memory with frames. Driven through the real
// thread protocol (real models, real storage): the order of its messages is the assertion.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '@latent-lab/config';
import { DEFAULT_RUN_LIMITS, parseRunParams, type KeyframeRef } from '@latent-lab/domain';
import { openStorage } from '@latent-lab/storage';
import {
  FRAMES_AHEAD,
  type FromThread,
  type RenderThreadOptions,
  type ToThread,
} from '../apps/server/src/jobs/render-protocol.ts';
import { PHOTOS } from './helpers/api.ts';

const STEPS = FRAMES_AHEAD + 3;

describe('a render thread waits for its reader', () => {
  let root: string;
  let thread: Worker;
  let keyframes: KeyframeRef[];
  const inbox: FromThread[] = [];
  let arrived: (() => void) | undefined;

  /** The thread's next message, in the order sent. */
  async function next(): Promise<FromThread> {
    while (inbox.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    return inbox.shift()!;
  }
  function send(message: ToThread): void {
    thread.postMessage(message);
  }
  /** The frames' indices up to the next message that is not a frame, and that message. */
  async function framesUntilOther(): Promise<{ indices: number[]; then: FromThread }> {
    const indices: number[] = [];
    for (;;) {
      const message = await next();
      if (message.type !== 'frame') return { indices, then: message };
      indices.push(message.frame.index);
    }
  }
  function render(id: number): void {
    const params = parseRunParams(
      { model: 'taef2', keyframes: ['a', 'b'], steps: STEPS, width: 64, height: 64, seed: 3 },
      DEFAULT_RUN_LIMITS,
    );
    send({
      type: 'render',
      id,
      workspaceId: 'w',
      params,
      keyframes,
      fromFrame: 0,
      previousFrameKey: null,
    });
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'latent-lab-backpressure-'));
    const storage = openStorage({ kind: 'local', root });
    keyframes = await Promise.all(
      [PHOTOS.chelsea, PHOTOS.coffee].map(async (path, i) => {
        const bytes = await readFile(path);
        const storageKey = `keyframes/${i}`;
        await storage.put(storageKey, bytes);
        return { sha256: createHash('sha256').update(bytes).digest('hex'), storageKey };
      }),
    );
    const config = loadConfig({});
    const options: RenderThreadOptions = {
      storage: { kind: 'local', root },
      intraOpThreads: 1,
      imageLimits: { maxInputPixels: config.maxInputPixels },
      models: config.models,
    };
    thread = new Worker(new URL('../apps/server/src/jobs/render-thread.mjs', import.meta.url), {
      workerData: options,
    });
    thread.on('message', (message: FromThread) => {
      inbox.push(message);
      arrived?.();
    });
  });
  after(async () => {
    await thread?.terminate();
    await rm(root, { recursive: true, force: true });
  });

  test(`${FRAMES_AHEAD} frames untaken: it waits; each pull lets one more through; the last frame needs none`, async () => {
    render(1);
    let { indices, then } = await framesUntilOther();
    assert.deepEqual(
      indices,
      Array.from({ length: FRAMES_AHEAD }, (_, i) => i),
      'frames before the first wait',
    );
    assert.deepEqual(then, { type: 'waiting', id: 1 });
    for (let index = FRAMES_AHEAD; index < STEPS - 1; index++) {
      send({ type: 'pull', id: 1 });
      ({ indices, then } = await framesUntilOther());
      assert.deepEqual(indices, [index], 'one pull, one frame');
      assert.deepEqual(then, { type: 'waiting', id: 1 });
    }
    send({ type: 'pull', id: 1 });
    ({ indices, then } = await framesUntilOther());
    assert.deepEqual(indices, [STEPS - 1]);
    assert.equal(then.type, 'done', 'no wait after the last frame: the render ends');
    assert.equal(then.type === 'done' && then.metrics?.endpointPsnr.length, 2);
  });

  test('a render waiting for its reader stops on abort, and the thread renders the next', async () => {
    render(2);
    const { indices, then } = await framesUntilOther();
    assert.equal(indices.length, FRAMES_AHEAD);
    assert.deepEqual(then, { type: 'waiting', id: 2 });
    send({ type: 'abort', id: 2 });
    const stopped = await next();
    assert.equal(stopped.type, 'error', 'the waiting render ends, with no frame after the abort');
    assert.equal(stopped.id, 2);
    // Each frame taken as it comes: the render runs to its end.
    render(3);
    const frames: number[] = [];
    for (;;) {
      const message = await next();
      if (message.type === 'waiting') continue;
      if (message.type !== 'frame') {
        assert.equal(message.type, 'done');
        break;
      }
      frames.push(message.frame.index);
      send({ type: 'pull', id: 3 });
    }
    assert.deepEqual(
      frames,
      Array.from({ length: STEPS }, (_, i) => i),
    );
  });
});

// Engine.render's order of work: frame 0 (keyframe 0 plus its noise) is decoded before the other
// keyframes are read or encoded, and the frames are those of a render resumed at any frame.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { imageToTensor, tensorToRgb8 } from '../src/image/index.ts';
import { applyNoise } from '../src/noise/index.ts';
import { Engine, type RunSpec } from '../src/pipeline.ts';
import { SHARED_DIR } from './fixtures.ts';

const manifestsDir = fileURLToPath(new URL('../../../models', import.meta.url));
const photos = ['astronaut.png', 'coffee.png', 'chelsea.png'].map((name) =>
  join(SHARED_DIR, 'images', name),
);
let modelsDir: string;

before(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'latent-lab-render-order-'));
});
after(() => rm(modelsDir, { recursive: true, force: true }));

function newEngine(): Engine {
  return new Engine({
    locations: {
      manifestsDir,
      modelsDir,
      mirrorDir: join(SHARED_DIR, 'models'),
      allowDownload: false,
    },
    intraOpThreads: 1,
    precision: 'fp32',
  });
}

/** A spec whose keyframe reads are logged in `events` (as `read k`). */
function specLogging(events: string[]): RunSpec {
  return {
    model: 'taef2',
    keyframes: photos.map((path, k) => ({
      sha256: `photo-${k}`,
      read: () => {
        events.push(`read ${k}`);
        return readFile(path);
      },
    })),
    steps: 5,
    method: 'slerp',
    easing: 'ease-in-out',
    spacing: 'arc-length',
    width: 64,
    height: 64,
    fit: 'cover',
    noise: { level: 0.3, mode: 'absolute', schedule: 'constant', shared: false },
    seed: 7,
  };
}

test('frame 0 comes out before the other keyframes are read; it is keyframe 0 with its noise, decoded', async () => {
  const engine = newEngine();
  try {
    const events: string[] = [];
    const spec = specLogging(events);
    const frames = [];
    for await (const frame of engine.render(spec)) {
      events.push(`frame ${frame.index}`);
      frames.push(frame);
    }
    assert.deepEqual(events, [
      'read 0',
      'frame 0',
      'read 1',
      'read 2',
      'frame 1',
      'frame 2',
      'frame 3',
      'frame 4',
    ]);
    assert.equal(frames[0]!.alpha, 0);
    assert.equal(frames[4]!.alpha, 1);

    const vae = await engine.vae('taef2');
    const size = { width: 64, height: 64 };
    const latent = await vae.encode(await imageToTensor(await readFile(photos[0]!), size, 'cover'));
    const noisy = applyNoise(latent.data, { ...spec.noise, seed: spec.seed }, 0, spec.steps);
    const expected = await vae.decode({ data: noisy.latent, shape: latent.shape });
    assert.ok(noisy.level > 0);
    assert.equal(frames[0]!.noiseLevel, noisy.level);
    assert.deepEqual(tensorToRgb8(frames[0]!.rgb), tensorToRgb8(expected));

    // A render resumed at frame 2 (a fresh engine: nothing cached) gives the same frames.
    const resumed = newEngine();
    try {
      const later = [];
      for await (const frame of resumed.render(specLogging([]), { fromFrame: 2 }))
        later.push(frame);
      assert.deepEqual(
        later.map((frame) => frame.index),
        [2, 3, 4],
      );
      for (const frame of later) {
        assert.equal(frame.alpha, frames[frame.index]!.alpha);
        assert.deepEqual(tensorToRgb8(frame.rgb), tensorToRgb8(frames[frame.index]!.rgb));
      }
    } finally {
      await resumed.close();
    }
  } finally {
    await engine.close();
  }
});

test('a spec with one keyframe is refused before anything is read', async () => {
  const engine = newEngine();
  try {
    const events: string[] = [];
    const spec = specLogging(events);
    const single = { ...spec, keyframes: spec.keyframes.slice(0, 1) };
    await assert.rejects(
      async () => {
        for await (const _frame of engine.render(single));
      },
      { code: 'INVALID_OPTION', field: 'keyframes' },
    );
    assert.deepEqual(events, []);
  } finally {
    await engine.close();
  }
});

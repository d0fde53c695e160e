// Run metrics: the formulas on constructed inputs, and Engine.measure on a real taef2 render.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { PSNR_CAP_DB } from '@latent-lab/domain';
import { EngineError } from '../src/errors.ts';
import { frameChange, imageToTensor, tensorToRgb8 } from '../src/image/index.ts';
import { interpolatePath, latentDistance } from '../src/interpolate/index.ts';
import { changeStats, NearestFrames, pathLength, psnr, runMetrics } from '../src/metrics.ts';
import { Engine, type RunSpec } from '../src/pipeline.ts';

const shared = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const manifestsDir = fileURLToPath(new URL('../../../models', import.meta.url));

describe('metric formulas', () => {
  test('changeStats: mean, max and population CV; equal changes are an even pace, no change is CV 0', () => {
    assert.deepEqual(changeStats([0.1, 0.3]), {
      meanChange: 0.2,
      maxChange: 0.3,
      // Population standard deviation 0.1 over mean 0.2.
      changeCv: Math.sqrt(((0.1 - 0.2) ** 2 + (0.3 - 0.2) ** 2) / 2) / 0.2,
    });
    assert.equal(changeStats([0.1, 0.3]).changeCv.toFixed(12), '0.500000000000');
    assert.deepEqual(changeStats([0.25, 0.25, 0.25]), {
      meanChange: 0.25,
      maxChange: 0.25,
      changeCv: 0,
    });
    assert.deepEqual(changeStats([0, 0]), { meanChange: 0, maxChange: 0, changeCv: 0 });
    assert.deepEqual(changeStats([0.4]), { meanChange: 0.4, maxChange: 0.4, changeCv: 0 });
    assert.throws(() => changeStats([]), EngineError);
  });

  test('psnr: 10 log10(255^2 / MSE) over every channel value; identical images give the cap', () => {
    const black = new Uint8Array(12);
    assert.equal(psnr(black, black), PSNR_CAP_DB);
    assert.equal(PSNR_CAP_DB, 100);
    // Black against white: MSE 255^2, 0 dB.
    assert.equal(psnr(black, new Uint8Array(12).fill(255)), 0);
    // One value of 12 off by 255: MSE 255^2 / 12.
    const one = new Uint8Array(12);
    one[5] = 255;
    assert.equal(psnr(black, one), 10 * Math.log10(12));
    // Every value off by 1: MSE 1, 48.13 dB.
    assert.equal(psnr(black, new Uint8Array(12).fill(1)), 10 * Math.log10(255 * 255));
    assert.throws(() => psnr(new Uint8Array(3), new Uint8Array(6)), EngineError);
  });

  test('pathLength sums the L2 distances between consecutive latents', () => {
    const points = [
      Float32Array.from([0, 0]),
      Float32Array.from([3, 4]),
      Float32Array.from([3, 4]),
      Float32Array.from([0, 0]),
    ];
    assert.equal(pathLength(points), 10);
    assert.equal(pathLength(points.slice(0, 1)), 0);
  });

  test('NearestFrames: the frame nearest each keyframe position, the earlier on a tie', () => {
    const keyframeFrameIndexes = (alphas: number[], keyframes: number) => {
      const nearest = new NearestFrames<number>(keyframes);
      alphas.forEach((alpha, index) => nearest.offer(index, alpha, index * 10));
      const frames = nearest.frames();
      for (const { index, value } of frames) assert.equal(value, index * 10, 'its own value');
      return frames.map(({ index }) => index);
    };
    assert.deepEqual(keyframeFrameIndexes([0, 0.5, 1], 2), [0, 2]);
    assert.deepEqual(keyframeFrameIndexes([0, 0.25, 0.75, 1], 3), [0, 1, 3]);
    assert.deepEqual(keyframeFrameIndexes([0, 0.4, 0.55, 1], 3), [0, 2, 3]);
    assert.throws(() => keyframeFrameIndexes([0, 1], 1), EngineError);
    assert.throws(() => keyframeFrameIndexes([], 2), EngineError);
  });

  test('runMetrics gathers the parts; the minimum PSNR is the worst keyframe', () => {
    assert.deepEqual(
      runMetrics({ changes: [0.2, 0.2], endpointPsnr: [30, 25.5, 40], pathLength: 12 }),
      {
        meanChange: 0.2,
        maxChange: 0.2,
        changeCv: 0,
        endpointPsnr: [30, 25.5, 40],
        minEndpointPsnr: 25.5,
        pathLength: 12,
      },
    );
  });

  test('runMetrics keeps 12 significant digits, so a 15-digit store returns every value unchanged', () => {
    const metrics = runMetrics({
      changes: [0.1, 0.2, 0.4],
      endpointPsnr: [25.621664335493705, 10 * Math.E],
      pathLength: Math.PI,
    });
    assert.deepEqual(metrics.endpointPsnr, [25.6216643355, 27.1828182846]);
    assert.equal(metrics.minEndpointPsnr, 25.6216643355);
    assert.equal(metrics.pathLength, 3.14159265359);
    for (const value of [...Object.values(metrics)].flat())
      assert.equal(Number(value.toPrecision(15)), value, `${value}`);
  });
});

describe('Engine.measure on taef2', () => {
  let modelsDir: string;
  let engine: Engine;
  const photos = ['astronaut.png', 'coffee.png'].map((name) => join(shared, 'images', name));

  before(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'latent-lab-metrics-'));
    // The weights come from the shared mirror only; modelsDir stays empty.
    engine = new Engine({
      locations: {
        manifestsDir,
        modelsDir,
        mirrorDir: join(shared, 'models'),
        allowDownload: false,
      },
      intraOpThreads: 1,
      precision: 'fp32',
    });
  });
  after(async () => {
    await engine.close();
    await rm(modelsDir, { recursive: true, force: true });
  });

  test('measures a render from its frames: changes, PSNR of the end frames, straight lerp path length', async () => {
    const spec: RunSpec = {
      model: 'taef2',
      keyframes: photos.map((path, i) => ({ sha256: `photo-${i}`, read: () => readFile(path) })),
      steps: 5,
      method: 'lerp',
      easing: 'ease-in-out',
      spacing: 'uniform',
      width: 64,
      height: 64,
      fit: 'cover',
      noise: { level: 0, mode: 'absolute', schedule: 'constant', shared: false },
      seed: 1,
    };
    const pixels: Uint8Array[] = [];
    const frames: { alpha: number; change: number | null }[] = [];
    for await (const frame of engine.render(spec)) {
      const rgb = tensorToRgb8(frame.rgb);
      frames.push({
        alpha: frame.alpha,
        change: pixels.length ? frameChange(pixels.at(-1)!, rgb) : null,
      });
      pixels.push(rgb);
    }
    const read: number[] = [];
    const metrics = await engine.measure(spec, {
      frames,
      pixels: async (index) => {
        read.push(index);
        return pixels[index]!;
      },
    });
    assert.deepEqual(read, [0, 4], 'only the frames on the keyframes are read');

    const changes = frames.slice(1).map((frame) => frame.change!);
    const stats = changeStats(changes);
    const { meanChange, maxChange, changeCv } = metrics;
    // Kept to 12 significant digits (see runMetrics).
    for (const [kept, exact] of [
      [meanChange, stats.meanChange],
      [maxChange, stats.maxChange],
      [changeCv, stats.changeCv],
    ] as const)
      assert.equal(kept, Number(exact.toPrecision(12)));
    assert.ok(metrics.meanChange > 0 && metrics.changeCv > 0, 'eased frames change unevenly');

    // The first and last frames are the keyframes decoded: a good but lossy reproduction.
    const inputs = await Promise.all(
      photos.map(async (path) =>
        tensorToRgb8(await imageToTensor(await readFile(path), { width: 64, height: 64 }, 'cover')),
      ),
    );
    assert.deepEqual(
      metrics.endpointPsnr,
      [psnr(pixels[0]!, inputs[0]!), psnr(pixels[4]!, inputs[1]!)].map((value) =>
        Number(value.toPrecision(12)),
      ),
    );
    assert.equal(metrics.minEndpointPsnr, Math.min(...metrics.endpointPsnr));
    for (const value of metrics.endpointPsnr)
      assert.ok(value > 15 && value < PSNR_CAP_DB, `${value} dB`);

    // Lerp walks the straight segment between the two latents once, forward: its length.
    const vae = await engine.vae('taef2');
    const latents = await Promise.all(
      inputs.map(
        async (_, i) =>
          (
            await vae.encode(
              await imageToTensor(await readFile(photos[i]!), { width: 64, height: 64 }, 'cover'),
            )
          ).data,
      ),
    );
    const straight = latentDistance(latents[0]!, latents[1]!);
    assert.ok(
      Math.abs(metrics.pathLength - straight) < 1e-3 * straight,
      `${metrics.pathLength} vs ${straight}`,
    );
    assert.equal(
      metrics.pathLength,
      Number(
        pathLength(
          frames.map((frame) => interpolatePath(latents, frame.alpha, 'lerp')),
        ).toPrecision(12),
      ),
    );

    await assert.rejects(
      engine.measure(spec, { frames: frames.slice(1), pixels: async (i) => pixels[i]! }),
      (error: unknown) => error instanceof EngineError && error.field === 'frames',
    );
  });
  test('a render measured as it goes (RunMeter) gives the metrics of its stored frames, to the last bit', async () => {
    const three = ['astronaut.png', 'chelsea.png', 'coffee.png'].map((name) =>
      join(shared, 'images', name),
    );
    const spec: RunSpec = {
      model: 'taef2',
      keyframes: three.map((path, i) => ({ sha256: `three-${i}`, read: () => readFile(path) })),
      steps: 6,
      method: 'slerp',
      easing: 'linear',
      spacing: 'arc-length',
      width: 64,
      height: 64,
      fit: 'cover',
      noise: { level: 0.2, mode: 'absolute', schedule: 'constant', shared: false },
      seed: 3,
    };
    const meter = engine.meter(spec);
    const pixels: Uint8Array[] = [];
    const frames: { alpha: number; change: number | null }[] = [];
    for await (const frame of engine.render(spec, { meter })) {
      const rgb = tensorToRgb8(frame.rgb);
      const change = pixels.length ? frameChange(pixels.at(-1)!, rgb) : null;
      meter.frame(frame.index, frame.alpha, change, rgb);
      frames.push({ alpha: frame.alpha, change });
      pixels.push(rgb);
    }
    const measuredAsItWent = await meter.result();
    const fromStored = await engine.measure(spec, {
      frames,
      pixels: async (index) => pixels[index]!,
    });
    assert.deepEqual(measuredAsItWent, fromStored);
    assert.equal(measuredAsItWent.endpointPsnr.length, 3, 'one PSNR per keyframe');

    // Only a render from frame 0 is measured as it goes, and only a whole one in order.
    const late = engine.meter(spec);
    await assert.rejects(
      engine.render(spec, { fromFrame: 1, meter: late }).next(),
      (error: unknown) => error instanceof EngineError && error.field === 'fromFrame',
    );
    late.frame(0, 0, null, pixels[0]!);
    assert.throws(
      () => late.frame(2, frames[2]!.alpha, frames[2]!.change, pixels[2]!),
      (error: unknown) => error instanceof EngineError && error.field === 'frames',
    );
    await assert.rejects(
      late.result(),
      (error: unknown) => error instanceof EngineError && error.field === 'frames',
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { EngineError } from '../src/errors.ts';
import { loadVae, type Vae, type WeightLocations } from '../src/models/index.ts';
import { decodeModel } from '../src/models/onnx.ts';
import { buildTaeGraphs } from '../src/models/tae-graph.ts';
import type { Tensor4 } from '../src/types.ts';
import { readSafetensors, readWeightFile, type TensorMap } from '../src/weights/index.ts';
import { loadPhoto, SHARED_DIR as shared } from './fixtures.ts';

const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'];

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function asTensor4(tensor: { shape: number[]; data: Float32Array }): Tensor4 {
  return { data: tensor.data, shape: tensor.shape as [number, number, number, number] };
}

/** PSNR in dB of the clamped, 8-bit-quantised decode against the 8-bit original. */
function psnr8bit(original: Uint8Array, decoded: Tensor4): number {
  const [, , h, w] = decoded.shape;
  const plane = h * w;
  let squared = 0;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const value = Math.round(Math.min(1, Math.max(0, decoded.data[c * plane + i]!)) * 255);
      squared += (value - original[i * 3 + c]!) ** 2;
    }
  }
  return 10 * Math.log10((255 * 255) / (squared / (3 * plane)));
}

describe('taef2 on onnxruntime', () => {
  let modelsDir: string;
  let locations: WeightLocations;
  let vae: Vae;

  before(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'latent-lab-models-'));
    locations = {
      manifestsDir: fileURLToPath(new URL('../../../models', import.meta.url)),
      modelsDir,
      mirrorDir: join(shared, 'models'),
      allowDownload: false,
    };
    vae = await loadVae('taef2', { locations, intraOpThreads: 1, precision: 'fp32' });
  });
  after(async () => {
    await vae.close();
    await rm(modelsDir, { recursive: true, force: true });
  });

  test('reproduces the upstream reference tensors (z from x, y from z)', async () => {
    const bytes = new Uint8Array(
      await readFile(join(shared, 'models/taef2/taef2_reference_astronaut256.safetensors')),
    );
    const reference = readSafetensors(bytes, 'reference');
    const z = await vae.encode(asTensor4(reference.get('x')!));
    assert.deepEqual(z.shape, [1, 32, 32, 32]);
    const zDifference = maxAbsDifference(z.data, reference.get('z')!.data);
    const y = await vae.decode(asTensor4(reference.get('z')!));
    assert.deepEqual(y.shape, [1, 3, 256, 256]);
    const yDifference = maxAbsDifference(y.data, reference.get('y')!.data);
    // The reference is not clamped (values from -0.07 to 1.05); neither is decode().
    assert.ok(y.data.some((v) => v < 0) && y.data.some((v) => v > 1));
    console.log(
      `taef2 reference: max |z - z_ref| = ${zDifference.toExponential(2)}, max |y - y_ref| = ${yDifference.toExponential(2)}`,
    );
    assert.ok(zDifference < 1e-3, `z differs by ${zDifference}`);
    assert.ok(yDifference < 1e-3, `y differs by ${yDifference}`);
  });

  for (const photo of PHOTOS) {
    test(`round trip at 512x512 keeps ${photo} above 29 dB PSNR`, async () => {
      const { pixels, tensor } = await loadPhoto(photo, 512);
      const decoded = await vae.decode(await vae.encode(tensor));
      assert.deepEqual(decoded.shape, [1, 3, 512, 512]);
      const quality = psnr8bit(pixels, decoded);
      console.log(`taef2 round trip ${photo}: ${quality.toFixed(2)} dB`);
      assert.ok(quality >= 29, `${photo}: ${quality.toFixed(2)} dB`);
    });
  }

  test('prepare runs each half on a blank frame and changes no later result; a released encoder is skipped', async () => {
    const image: Tensor4 = {
      data: new Float32Array(3 * 64 * 96).map((_, i) => 0.5 + 0.45 * Math.sin(i * 0.731)),
      shape: [1, 3, 64, 96],
    };
    const [plain, prepared] = await Promise.all(
      [1, 2].map(() => loadVae('taef2', { locations, intraOpThreads: 1, precision: 'fp32' })),
    );
    try {
      await prepared!.prepare(64, 96);
      const latents = [await plain!.encode(image), await prepared!.encode(image)];
      const frames = [await plain!.decode(latents[0]!), await prepared!.decode(latents[0]!)];
      assert.equal(maxAbsDifference(latents[0]!.data, latents[1]!.data), 0);
      assert.equal(maxAbsDifference(frames[0]!.data, frames[1]!.data), 0);
      await prepared!.releaseEncoder();
      await prepared!.prepare(64, 96);
      await assert.rejects(prepared!.encode(image), /the encoder was released/);
    } finally {
      await Promise.all([plain!.close(), prepared!.close()]);
    }
  });

  test('counts multiply-accumulates close to the published figures', () => {
    const at512 = vae.macs(512, 512);
    console.log(
      `taef2 MACs at 512x512: encoder ${(at512.encoder / 1e9).toFixed(2)} G, decoder ${(at512.decoder / 1e9).toFixed(2)} G`,
    );
    assert.ok(Math.abs(at512.encoder / 61.6e9 - 1) < 0.01, `encoder ${at512.encoder}`);
    // 71.1 G with upsample + 3x3 conv; the four-phase rewrite does 4/9 of the work of those three
    // layers (64 x 64 x 9 x (128^2 + 256^2 + 512^2) = 12.68 G become 5.64 G).
    const upsampleConvs = 64 * 64 * 9 * (128 ** 2 + 256 ** 2 + 512 ** 2);
    assert.ok(
      Math.abs((at512.decoder + (upsampleConvs * 5) / 9) / 71.1e9 - 1) < 0.01,
      `decoder ${at512.decoder}`,
    );
    const at256 = vae.macs(256, 256);
    assert.equal(at256.encoder * 4, at512.encoder);
    assert.equal(at256.decoder * 4, at512.decoder);
  });

  test('rejects malformed input with typed errors', async () => {
    await assert.rejects(
      vae.encode({ data: new Float32Array(3 * 12 * 16), shape: [1, 3, 12, 16] }),
      (error: unknown) => {
        assert.ok(error instanceof EngineError && error.code === 'INVALID_IMAGE');
        assert.match(error.message, /multiples of 8/);
        return true;
      },
    );
    await assert.rejects(
      vae.decode({ data: new Float32Array(4 * 16), shape: [1, 4, 4, 4] }),
      (error: unknown) => {
        assert.ok(error instanceof EngineError && error.code === 'INVALID_OPTION');
        assert.match(error.message, /expected 32 channels, got 4/);
        return true;
      },
    );
  });
});

/** A taesd-shaped (4 channels, no "mid" pool branch) checkpoint derived from taef2's weights. */
function withoutPoolBranch(
  weights: TensorMap,
  latentChannels: number,
  latentKey: string,
  latentAxis: 0 | 1,
): TensorMap {
  const derived: TensorMap = new Map();
  for (const [name, tensor] of weights) {
    if (name.includes('.pool.')) continue;
    if (name === latentKey || (latentAxis === 0 && name === latentKey.replace('weight', 'bias'))) {
      const shape = [...tensor.shape];
      const kept = shape.slice();
      kept[latentAxis] = latentChannels;
      const inner = shape.slice(latentAxis + 1).reduce((a, b) => a * b, 1);
      const data = new Float32Array(kept.reduce((a, b) => a * b, 1));
      const outer = latentAxis === 0 ? 1 : shape[0]!;
      for (let o = 0; o < outer; o++) {
        data.set(
          tensor.data.subarray(
            o * shape[latentAxis]! * inner,
            (o * shape[latentAxis]! + latentChannels) * inner,
          ),
          o * latentChannels * inner,
        );
      }
      derived.set(name, { shape: kept, data });
    } else {
      derived.set(name, tensor);
    }
  }
  return derived;
}

test('a 4-channel TAE without pool weights builds a graph without group normalization and runs', async () => {
  const dir = join(shared, 'models/taef2');
  const encoder = withoutPoolBranch(
    await readWeightFile(join(dir, 'taef2_encoder.pth')),
    4,
    '14.weight',
    0,
  );
  const decoder = withoutPoolBranch(
    await readWeightFile(join(dir, 'taef2_decoder.pth')),
    4,
    '1.weight',
    1,
  );
  const graphs = buildTaeGraphs(encoder, decoder);
  assert.equal(graphs.latentChannels, 4);
  for (const graph of [graphs.encoder, graphs.decoder]) {
    const ops = new Set(decodeModel(graph).graph?.node?.map((n) => n.opType));
    assert.equal(ops.has('InstanceNormalization'), false);
    assert.equal(ops.has('Conv'), true);
  }
  const session = await ort.InferenceSession.create(graphs.encoder, { intraOpNumThreads: 1 });
  const { latent } = await session.run({
    image: new ort.Tensor('float32', new Float32Array(3 * 32 * 48).fill(0.5), [1, 3, 32, 48]),
  });
  assert.deepEqual(latent?.dims, [1, 4, 4, 6]);
  await session.release();
});

test('a TAE checkpoint with foreign tensors is refused', async () => {
  const dir = join(shared, 'models/taef2');
  const encoder = await readWeightFile(join(dir, 'taef2_encoder.pth'));
  const decoder = await readWeightFile(join(dir, 'taef2_decoder.pth'));
  encoder.set('15.weight', { shape: [1], data: new Float32Array(1) });
  assert.throws(
    () => buildTaeGraphs(encoder, decoder),
    (error: unknown) => {
      assert.ok(error instanceof EngineError && error.code === 'INVALID_CHECKPOINT');
      assert.match(error.message, /15\.weight/);
      return true;
    },
  );
});

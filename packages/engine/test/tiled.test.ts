// Depth-first tiled decoding on the real taef2 weights: the decoder's high-resolution stages run
// in small tiles with the receptive-field halo computed from the graph, and the frames equal the
// untiled decoder's, in float32 and int8; one pixel less of halo is not exact.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { imageToTensor } from '../src/image/index.ts';
import { loadVae, type WeightLocations } from '../src/models/index.ts';
import { buildTaeDecoderSegments } from '../src/models/tae-graph.ts';
import { runStages, type Stage } from '../src/models/tiled.ts';
import { readFile } from 'node:fs/promises';
import type { Tensor4 } from '../src/types.ts';
import { readWeightFile } from '../src/weights/index.ts';

const shared = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const locations: WeightLocations = {
  manifestsDir: fileURLToPath(new URL('../../../models', import.meta.url)),
  modelsDir: join(shared, 'models/taef2'),
  mirrorDir: join(shared, 'models'),
  allowDownload: false,
};
const THREADS = 2;

function compare(a: Tensor4, b: Tensor4): { maxAbs: number; psnr: number } {
  assert.deepEqual(b.shape, a.shape);
  let [maxAbs, squared] = [0, 0];
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    maxAbs = Math.max(maxAbs, d);
    squared += d * d;
  }
  return { maxAbs, psnr: squared === 0 ? Infinity : 10 * Math.log10(a.data.length / squared) };
}

async function latentOf(photo: string, side: number): Promise<Tensor4> {
  const vae = await loadVae('taef2', { locations, intraOpThreads: THREADS });
  try {
    const image = await imageToTensor(
      await readFile(join(shared, 'images', photo)),
      { width: side, height: side },
      'cover',
    );
    return await vae.encode(image);
  } finally {
    await vae.close();
  }
}

test('the halo of each decoder stage is its receptive field, computed from the graph', async () => {
  const weights = await readWeightFile(join(shared, 'models/taef2/taef2_decoder.pth'));
  const stages = buildTaeDecoderSegments(weights);
  // Latent stage: GroupNorm (global), never tiled. Then upsample + 3x3 conv and three blocks
  // (radius 9 at 2x, so ceil(10 / 2) = 5 input pixels), the same again, and upsample + 3x3 conv,
  // one block and the RGB conv (radius 4, so 3).
  assert.deepEqual(
    stages.map((s) => [s.halo, s.scale]),
    [
      [null, 1],
      [5, 2],
      [5, 2],
      [3, 2],
    ],
  );
});

for (const precision of ['fp32', 'int8'] as const) {
  test(`${precision}: tiled decode at 512x512 in 32-pixel tiles equals the untiled decode`, async () => {
    const latent = await latentOf('astronaut.png', 512);
    const decoded: Tensor4[] = [];
    for (const decoderTile of [null, 32]) {
      const vae = await loadVae('taef2', {
        locations,
        precision,
        decoderTile,
        intraOpThreads: THREADS,
      });
      decoded.push(await vae.decode(latent));
      await vae.close();
    }
    const { maxAbs, psnr } = compare(decoded[0]!, decoded[1]!);
    console.log(`${precision} tiled (32) vs untiled at 512: max |d| ${maxAbs}, PSNR ${psnr} dB`);
    assert.ok(psnr >= 50, `${psnr} dB`);
    assert.equal(maxAbs, 0, 'exact');
  });
}

test('one pixel less halo than the receptive field changes the output', async () => {
  const weights = await readWeightFile(join(shared, 'models/taef2/taef2_decoder.pth'));
  const stages: Stage[] = await Promise.all(
    buildTaeDecoderSegments(weights).map(async ({ model, ...segment }) => ({
      ...segment,
      session: await ort.InferenceSession.create(model, { intraOpNumThreads: THREADS }),
      skeleton: {},
    })),
  );
  try {
    const latent = await latentOf('chelsea.png', 256);
    const exact = await runStages(stages, latent, 32);
    const whole = await runStages(stages, latent, 1 << 20);
    assert.equal(compare(whole as Tensor4, exact as Tensor4).maxAbs, 0);
    for (const k of [1, 2, 3]) {
      const short = stages.map((s, i) => (i === k ? { ...s, halo: s.halo! - 1 } : s));
      const cut = await runStages(short, latent, 32);
      const { maxAbs } = compare(whole as Tensor4, cut as Tensor4);
      assert.ok(maxAbs > 0, `stage ${k} with halo ${stages[k]!.halo! - 1} is still exact`);
    }
  } finally {
    await Promise.all(stages.map((s) => s.session.release()));
  }
});

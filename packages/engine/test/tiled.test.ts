// Depth-first tiled execution on the real taef2 weights: the decoder's and the encoder's
// high-resolution stages run in small tiles with the receptive-field halo computed from the graph,
// and the frames and latents equal the untiled ones, in float32 and int8; one pixel less of halo is
// not exact.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { imageToTensor } from '../src/image/index.ts';
import { loadVae, type WeightLocations } from '../src/models/index.ts';
import { buildTaePart, buildTaeSegments } from '../src/models/tae-graph.ts';
import { keptBuffers, runStages, tiledRunner, type Stage } from '../src/models/tiled.ts';
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

test('the halo of each stage is its receptive field, computed from the graph', async () => {
  const decoder = await readWeightFile(join(shared, 'models/taef2/taef2_decoder.pth'));
  // Latent stage: GroupNorm (global), never tiled. Then upsample + 3x3 conv and three blocks
  // (radius 9 at 2x, so ceil(10 / 2) = 5 input pixels), the same again, and upsample + 3x3 conv,
  // one block and the RGB conv (radius 4, so 3).
  assert.deepEqual(
    buildTaeSegments(decoder, 'decoder').map((s) => [s.halo, s.scale]),
    [
      [null, 1],
      [5, 2],
      [5, 2],
      [3, 2],
    ],
  );
  const encoder = await readWeightFile(join(shared, 'models/taef2/taef2_encoder.pth'));
  // Full resolution: a 3x3 conv and a block (radius 4). Then a stride-2 3x3 conv (1 output pixel:
  // a tile starts on an even row, so its first output reads padding) and three blocks (9): 10
  // output pixels, twice; the latent stage's blocks have GroupNorm.
  assert.deepEqual(
    buildTaeSegments(encoder, 'encoder').map((s) => [s.halo, s.scale]),
    [
      [4, 1],
      [10, 0.5],
      [10, 0.5],
      [null, 0.5],
    ],
  );
});

for (const precision of ['fp32', 'int8'] as const) {
  test(`${precision}: tiled encode and decode at 512x512 in 32-pixel tiles equal the untiled ones`, async () => {
    const image = await imageToTensor(
      await readFile(join(shared, 'images', 'astronaut.png')),
      { width: 512, height: 512 },
      'cover',
    );
    const latents: Tensor4[] = [];
    const decoded: Tensor4[] = [];
    for (const tile of [null, 32]) {
      const vae = await loadVae('taef2', {
        locations,
        precision,
        decoderTile: tile,
        encoderTile: tile,
        intraOpThreads: THREADS,
      });
      latents.push(await vae.encode(image));
      // Both decode the same latent, so the decoders are compared on their own.
      decoded.push(await vae.decode(latents[0]!));
      await vae.close();
    }
    for (const [half, [untiled, tiled]] of [
      ['encoder', latents],
      ['decoder', decoded],
    ] as const) {
      const { maxAbs, psnr } = compare(untiled!, tiled!);
      console.log(
        `${precision} ${half} tiled (32) vs untiled at 512: max |d| ${maxAbs}, PSNR ${psnr} dB`,
      );
      assert.ok(psnr >= 50, `${half}: ${psnr} dB`);
      assert.equal(maxAbs, 0, `${half}: exact`);
    }
  });
}

/** A half's stages as plain sessions (no precision machinery), for running with altered halos. */
async function stagesOf(part: 'encoder' | 'decoder'): Promise<Stage[]> {
  const weights = await readWeightFile(join(shared, `models/taef2/taef2_${part}.pth`));
  return Promise.all(
    buildTaeSegments(weights, part).map(async ({ model, ...segment }) => ({
      ...segment,
      session: await ort.InferenceSession.create(model, { intraOpNumThreads: THREADS }),
      skeleton: {},
    })),
  );
}

/** The whole decoder as one plain session, shaped as the stage a tiled half runs whole. */
async function wholeDecoderStage(): Promise<Stage> {
  const weights = await readWeightFile(join(shared, 'models/taef2/taef2_decoder.pth'));
  return {
    session: await ort.InferenceSession.create(buildTaePart(weights, 'decoder').model, {
      intraOpNumThreads: THREADS,
    }),
    skeleton: {},
    input: 'latent',
    output: 'image',
    scale: 1,
    halo: null,
    inputType: 'float32',
    outputType: 'float32',
  };
}

/** Stage k with one pixel less halo than computed changes the output; with the halo it is exact. */
async function assertHaloIsTight(stages: Stage[], input: Tensor4, tiled: number[]): Promise<void> {
  try {
    const exact = await runStages(stages, input, 32);
    const whole = await runStages(stages, input, 1 << 20);
    assert.equal(compare(whole as Tensor4, exact as Tensor4).maxAbs, 0);
    for (const k of tiled) {
      const short = stages.map((s, i) => (i === k ? { ...s, halo: s.halo! - 1 } : s));
      const cut = await runStages(short, input, 32);
      const { maxAbs } = compare(whole as Tensor4, cut as Tensor4);
      assert.ok(maxAbs > 0, `stage ${k} with halo ${stages[k]!.halo! - 1} is still exact`);
    }
  } finally {
    await Promise.all(stages.map((s) => s.session.release()));
  }
}

test('one pixel less halo than the receptive field changes the decoder output', async () => {
  await assertHaloIsTight(await stagesOf('decoder'), await latentOf('chelsea.png', 256), [1, 2, 3]);
});

test('one pixel less halo than the receptive field changes the encoder output', async () => {
  const image = await imageToTensor(
    await readFile(join(shared, 'images', 'chelsea.png')),
    { width: 256, height: 256 },
    'cover',
  );
  await assertHaloIsTight(await stagesOf('encoder'), image, [0, 1, 2]);
});

test('a tiled half runs its whole graph for images up to wholeUpTo and its stages in tiles above, each made once (on first use, or ahead by prepare)', async () => {
  const made: string[] = [];
  let whole: Stage | undefined;
  const runner = tiledRunner(
    {
      skeleton: {},
      create: async () => {
        made.push('whole');
        whole = await wholeDecoderStage();
        return whole;
      },
    },
    async () => {
      made.push('stages');
      return stagesOf('decoder');
    },
    // Larger than one tile, yet whole: as int8 runs frames up to 1024 whole and tiles at 512.
    { tile: 32, wholeUpTo: 64, imageScale: 8 },
  );
  try {
    // A 64x64 frame (8x8 latent) runs whole; a 128x128 one in stages of 32-pixel tiles.
    const [small, large] = await Promise.all([
      latentOf('chelsea.png', 64),
      latentOf('chelsea.png', 128),
    ]);
    await runner.prepare(8, 8);
    assert.deepEqual(made, ['whole']);
    assert.deepEqual((await runner.run(small)).shape, [1, 3, 64, 64]);
    assert.deepEqual(made, ['whole'], 'the prepared graph ran');
    const tiled = await runner.run(large);
    await runner.run(large);
    await runner.prepare(16, 16);
    assert.deepEqual(made, ['whole', 'stages'], 'the stages were made once, on first use');
    const untiled = await runStages([whole!], large, Infinity);
    assert.equal(compare(untiled as Tensor4, tiled as Tensor4).maxAbs, 0);
  } finally {
    await runner.release();
  }
});

test('kept buffers are one array per role, element type and length, until cleared', () => {
  const buffers = keptBuffers();
  const tile = buffers.take('tile', Uint8Array, 12);
  assert.equal(buffers.take('tile', Uint8Array, 12), tile, 'the same request reuses the array');
  for (const other of [
    buffers.take('stage 0', Uint8Array, 12),
    buffers.take('tile', Float32Array, 12),
    buffers.take('tile', Uint8Array, 16),
  ])
    assert.notEqual(other, tile);
  buffers.clear();
  assert.notEqual(buffers.take('tile', Uint8Array, 12), tile, 'cleared');
});

test("a tiled half's kept buffers never reach a result: each run, alone or two at once, equals its whole-graph decode, and a later run leaves an earlier result as it was", async () => {
  const [a, b] = await Promise.all([latentOf('chelsea.png', 128), latentOf('astronaut.png', 128)]);
  const stages = await stagesOf('decoder');
  const whole = await wholeDecoderStage();
  const runner = tiledRunner({ skeleton: {}, create: async () => whole }, async () => stages, {
    tile: 32,
    wholeUpTo: 32,
    imageScale: 8,
  });
  try {
    const [expectA, expectB] = [
      await runStages([whole], a, Infinity),
      await runStages([whole], b, Infinity),
    ];
    const firstA = await runner.run(a);
    const firstCopy = Float32Array.from(firstA.data);
    // Two at once: one holds the kept buffers, the other takes fresh ones.
    const [secondB, secondA] = await Promise.all([runner.run(b), runner.run(a)]);
    const thirdB = await runner.run(b);
    for (const [got, expected, what] of [
      [firstA, expectA, 'first run'],
      [secondB, expectB, 'run at once (b)'],
      [secondA, expectA, 'run at once (a)'],
      [thirdB, expectB, 'run after'],
    ] as const)
      assert.equal(compare(expected as Tensor4, got as Tensor4).maxAbs, 0, what);
    assert.deepEqual(firstA.data, firstCopy, 'the first result was not written by later runs');
  } finally {
    await runner.release();
  }
});

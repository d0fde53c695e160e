import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { EngineError } from '../src/errors.ts';
import {
  openVae,
  parseManifest,
  type ModelManifest,
  type Vae,
  type WeightLocations,
} from '../src/models/index.ts';
import type { Tensor4 } from '../src/types.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

// A toy VAE in the classic "onnx-pair" shape: the encoder emits 8 channels (4 mean + 4 log-variance)
// from input in [-1,1] with an 8x8 stride-8 convolution; the decoder upsamples x8 (nearest) and
// mixes channels with a 1x1 convolution into RGB in [-1,1].
const encoderWeight = (c: number, k: number, y: number, x: number): number =>
  (((c * 7 + k * 3 + y * 5 + x) % 11) - 5) / 50;
const encoderBias = (c: number): number => c / 10 - 0.4;
const decoderWeight = (o: number, c: number): number => (o - c) / 4 + 0.1;
const decoderBias = (o: number): number => 0.05 * o;
const pixel = (k: number, y: number, x: number): number => ((k * 31 + y * 7 + x * 3) % 17) / 16;

function initializer(
  name: string,
  dims: number[],
  values: (index: number[]) => number,
): Onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let flat = 0; flat < count; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      index.unshift(rest % dims[axis]!);
      rest = Math.floor(rest / dims[axis]!);
    }
    data[flat] = values(index);
  }
  return { name, dims, dataType: FLOAT, floatData: [...data] };
}

function valueInfo(name: string, dims: (number | string)[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

function model(graph: Onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 10,
    opsetImport: [{ domain: '', version: 21 }],
    graph,
  }).finish();
}

const ints = (name: string, values: number[]): Onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: values,
});
const text = (name: string, value: string): Onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(value),
});

const encoderModel = model({
  name: 'toy_encoder',
  node: [
    {
      opType: 'Conv',
      input: ['pixels', 'We', 'be'],
      output: ['moments'],
      attribute: [ints('kernel_shape', [8, 8]), ints('strides', [8, 8])],
    },
  ],
  initializer: [
    initializer('We', [8, 3, 8, 8], ([c, k, y, x]) => encoderWeight(c!, k!, y!, x!)),
    initializer('be', [8], ([c]) => encoderBias(c!)),
  ],
  input: [valueInfo('pixels', ['N', 3, 'H', 'W'])],
  output: [valueInfo('moments', ['N', 8, 'h', 'w'])],
});

const decoderModel = model({
  name: 'toy_decoder',
  node: [
    {
      opType: 'Resize',
      input: ['latents', '', 'scales'],
      output: ['up'],
      attribute: [
        text('mode', 'nearest'),
        text('coordinate_transformation_mode', 'asymmetric'),
        text('nearest_mode', 'floor'),
      ],
    },
    {
      opType: 'Conv',
      input: ['up', 'Wd', 'bd'],
      output: ['sample'],
      attribute: [ints('kernel_shape', [1, 1])],
    },
  ],
  initializer: [
    { name: 'scales', dims: [4], dataType: FLOAT, floatData: [1, 1, 8, 8] },
    initializer('Wd', [3, 4, 1, 1], ([o, c]) => decoderWeight(o!, c!)),
    initializer('bd', [3], ([o]) => decoderBias(o!)),
  ],
  input: [valueInfo('latents', ['N', 4, 'h', 'w'])],
  output: [valueInfo('sample', ['N', 3, 'H', 'W'])],
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function manifestFor(names: { encoderOutput: string }): ModelManifest {
  return parseManifest(
    {
      id: 'toy-pair',
      name: 'Toy ONNX pair',
      kind: 'onnx-pair',
      latentChannels: 4,
      downscale: 8,
      encoderInputRange: [-1, 1],
      decoderOutputRange: [-1, 1],
      encoderOutput: 'mean-logvar',
      files: {
        encoder: {
          file: 'toy_encoder.onnx',
          sha256: sha256(encoderModel),
          url: 'https://example.invalid/toy_encoder.onnx',
        },
        decoder: {
          file: 'toy_decoder.onnx',
          sha256: sha256(decoderModel),
          url: 'https://example.invalid/toy_decoder.onnx',
        },
      },
      onnx: {
        encoder: { input: 'pixels', output: names.encoderOutput },
        decoder: { input: 'latents', output: 'sample' },
      },
    },
    'toy-pair.json',
  );
}

describe('onnx-pair models', () => {
  const [height, width] = [16, 24];
  let modelsDir: string;
  let locations: WeightLocations;
  let vae: Vae;
  let image: Tensor4;

  before(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'latent-lab-onnx-pair-'));
    await writeFile(join(modelsDir, 'toy_encoder.onnx'), encoderModel);
    await writeFile(join(modelsDir, 'toy_decoder.onnx'), decoderModel);
    locations = { manifestsDir: modelsDir, modelsDir, mirrorDir: null, allowDownload: false };
    vae = await openVae(manifestFor({ encoderOutput: 'moments' }), { locations });
    const data = new Float32Array(3 * height * width);
    for (let k = 0; k < 3; k++)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) data[(k * height + y) * width + x] = pixel(k, y, x);
    image = { data, shape: [1, 3, height, width] };
  });
  after(async () => {
    await vae.close();
    await rm(modelsDir, { recursive: true, force: true });
  });

  test('encode maps [0,1] to [-1,1] and returns the mean half of the moments', async () => {
    const latent = await vae.encode(image);
    assert.deepEqual(latent.shape, [1, 4, height / 8, width / 8]);
    let maxDifference = 0;
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < height / 8; i++) {
        for (let j = 0; j < width / 8; j++) {
          let expected = encoderBias(c);
          for (let k = 0; k < 3; k++)
            for (let y = 0; y < 8; y++)
              for (let x = 0; x < 8; x++)
                expected += encoderWeight(c, k, y, x) * (2 * pixel(k, 8 * i + y, 8 * j + x) - 1);
          maxDifference = Math.max(
            maxDifference,
            Math.abs(latent.data[(c * (height / 8) + i) * (width / 8) + j]! - expected),
          );
        }
      }
    }
    assert.ok(maxDifference < 1e-5, `mean differs by ${maxDifference}`);
  });

  test('decode maps the [-1,1] output back to [0,1]', async () => {
    const [h, w] = [2, 3];
    const latentValue = (c: number, i: number, j: number): number =>
      (c - 1.5) * 0.3 + i * 0.2 - j * 0.1;
    const data = new Float32Array(4 * h * w);
    for (let c = 0; c < 4; c++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) data[(c * h + i) * w + j] = latentValue(c, i, j);
    const decoded = await vae.decode({ data, shape: [1, 4, h, w] });
    assert.deepEqual(decoded.shape, [1, 3, 8 * h, 8 * w]);
    let maxDifference = 0;
    for (let o = 0; o < 3; o++) {
      for (let y = 0; y < 8 * h; y++) {
        for (let x = 0; x < 8 * w; x++) {
          let raw = decoderBias(o);
          for (let c = 0; c < 4; c++)
            raw += decoderWeight(o, c) * latentValue(c, Math.floor(y / 8), Math.floor(x / 8));
          maxDifference = Math.max(
            maxDifference,
            Math.abs(decoded.data[(o * 8 * h + y) * 8 * w + x]! - (raw + 1) / 2),
          );
        }
      }
    }
    assert.ok(maxDifference < 1e-5, `decode differs by ${maxDifference}`);
  });

  test('counts the MACs of a foreign graph through Resize', () => {
    assert.deepEqual(vae.macs(height, width), {
      encoder: 8 * 3 * 8 * 8 * (height / 8) * (width / 8),
      decoder: 3 * 4 * height * width,
    });
  });

  test('a manifest naming a tensor the model lacks is refused with the names it has', async () => {
    await assert.rejects(
      openVae(manifestFor({ encoderOutput: 'latent_dist' }), { locations }),
      (error: unknown) => {
        assert.ok(error instanceof EngineError && error.code === 'INVALID_CHECKPOINT');
        assert.match(error.message, /"latent_dist"/);
        assert.match(error.message, /moments/);
        return true;
      },
    );
  });
});

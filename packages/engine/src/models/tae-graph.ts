// Builds the Tiny AutoEncoder (TAESD family) encoder and decoder as ONNX graphs from a state dict.
// Layer indices follow the upstream nn.Sequential, so state-dict keys map one to one.
import { EngineError } from '../errors.ts';
import type { TensorMap } from '../weights/index.ts';
import { GraphBuilder } from './onnx.ts';

type Layer =
  | { op: 'conv'; index: number; stride?: number }
  | { op: 'block'; index: number }
  | { op: 'relu' }
  | { op: 'clamp' }
  | { op: 'upsample' };

const conv = (index: number, stride?: number): Layer => ({ op: 'conv', index, stride });
const blocks = (...indices: number[]): Layer[] => indices.map((index) => ({ op: 'block', index }));
const upsample: Layer = { op: 'upsample' };

const ENCODER: Layer[] = [
  conv(0),
  ...blocks(1),
  conv(2, 2),
  ...blocks(3, 4, 5),
  conv(6, 2),
  ...blocks(7, 8, 9),
  conv(10, 2),
  ...blocks(11, 12, 13),
  conv(14),
];
const DECODER: Layer[] = [
  { op: 'clamp' },
  conv(1),
  { op: 'relu' },
  ...blocks(3, 4, 5),
  upsample,
  conv(7),
  ...blocks(8, 9, 10),
  upsample,
  conv(12),
  ...blocks(13, 14, 15),
  upsample,
  conv(17),
  ...blocks(18),
  conv(19),
];

/** Upstream's latent clamp: tanh(x / 3) * 3. */
const LATENT_MAGNITUDE = 3;
const GROUP_NORM_GROUPS = 4;
const GROUP_NORM_EPSILON = 1e-5;

class TaeGraph {
  private readonly used = new Set<string>();
  readonly graph: GraphBuilder;

  constructor(
    private readonly weights: TensorMap,
    private readonly part: string,
  ) {
    this.graph = new GraphBuilder(`tae_${part}`);
  }

  has(key: string): boolean {
    return this.weights.has(key);
  }

  /** Adds a state-dict tensor as an initializer; missing tensors are a checkpoint error. */
  weight(key: string): { name: string; shape: number[] } {
    const tensor = this.weights.get(key);
    if (!tensor)
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `TAE ${this.part}: tensor "${key}" is missing from the checkpoint`,
      );
    this.graph.constant(key, tensor.shape, tensor.data);
    this.used.add(key);
    return { name: key, shape: tensor.shape };
  }

  conv(x: string, prefix: string, stride = 1): string {
    const weight = this.weight(`${prefix}.weight`);
    if (weight.shape.length !== 4)
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `TAE ${this.part}: "${prefix}.weight" is not a 4-D convolution kernel`,
      );
    const [, , kh, kw] = weight.shape as [number, number, number, number];
    const inputs = [x, weight.name];
    if (this.has(`${prefix}.bias`)) inputs.push(this.weight(`${prefix}.bias`).name);
    return this.graph.node('Conv', inputs, {
      kernel_shape: [kh, kw],
      pads: [kh >> 1, kw >> 1, kh >> 1, kw >> 1],
      strides: [stride, stride],
    });
  }

  relu(x: string): string {
    return this.graph.node('Relu', [x]);
  }

  /** relu(conv(relu(conv(relu(conv(x))))) + x), preceded in "mid" blocks by x + pool(x) when its weights exist. */
  block(x: string, index: number): string {
    if (this.has(`${index}.pool.0.weight`)) {
      const widened = this.conv(x, `${index}.pool.0`);
      const normalized = this.graph.node(
        'GroupNormalization',
        [
          widened,
          this.weight(`${index}.pool.1.weight`).name,
          this.weight(`${index}.pool.1.bias`).name,
        ],
        { num_groups: GROUP_NORM_GROUPS, epsilon: GROUP_NORM_EPSILON },
      );
      x = this.graph.node('Add', [x, this.conv(this.relu(normalized), `${index}.pool.3`)]);
    }
    let y = this.relu(this.conv(x, `${index}.conv.0`));
    y = this.relu(this.conv(y, `${index}.conv.2`));
    y = this.conv(y, `${index}.conv.4`);
    return this.relu(this.graph.node('Add', [y, x]));
  }

  layer(x: string, layer: Layer): string {
    switch (layer.op) {
      case 'conv':
        return this.conv(x, String(layer.index), layer.stride);
      case 'block':
        return this.block(x, layer.index);
      case 'relu':
        return this.relu(x);
      case 'clamp': {
        const magnitude = this.graph.constant(
          'latent_magnitude',
          [],
          new Float32Array([LATENT_MAGNITUDE]),
        );
        return this.graph.node('Mul', [
          this.graph.node('Tanh', [this.graph.node('Div', [x, magnitude])]),
          magnitude,
        ]);
      }
      case 'upsample': {
        const scales = this.graph.constant('upsample_scales', [4], new Float32Array([1, 1, 2, 2]));
        // asymmetric + floor is exactly PyTorch's nearest upsampling: out[i] = in[floor(i / 2)].
        return this.graph.node('Resize', [x, '', scales], {
          mode: 'nearest',
          coordinate_transformation_mode: 'asymmetric',
          nearest_mode: 'floor',
        });
      }
    }
  }

  /** Every tensor of the checkpoint must have been used: anything left means another architecture. */
  assertAllUsed(): void {
    const unused = [...this.weights.keys()].filter((key) => !this.used.has(key));
    if (unused.length > 0) {
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `TAE ${this.part}: unexpected tensors ${unused.slice(0, 5).join(', ')}; not a TAESD-family checkpoint`,
      );
    }
  }
}

export interface TaeGraphs {
  encoder: Uint8Array;
  decoder: Uint8Array;
  latentChannels: number;
}

function buildPart(
  weights: TensorMap,
  part: 'encoder' | 'decoder',
  layers: Layer[],
  latentChannels: number,
): Uint8Array {
  const tae = new TaeGraph(weights, part);
  const image = { name: 'image', dims: ['N', 3, 'H', 'W'] };
  const latent = { name: 'latent', dims: ['N', latentChannels, 'h', 'w'] };
  const [input, output] = part === 'encoder' ? [image, latent] : [latent, image];
  const result = layers.reduce((value, layer) => tae.layer(value, layer), input.name);
  tae.assertAllUsed();
  return tae.graph.build(input, result, output);
}

/** Encoder (RGB [0,1] -> latent) and decoder (latent -> RGB about [0,1]) graphs; channel count from the weights. */
export function buildTaeGraphs(encoderWeights: TensorMap, decoderWeights: TensorMap): TaeGraphs {
  const latentChannels = encoderWeights.get('14.weight')?.shape[0];
  const decoderChannels = decoderWeights.get('1.weight')?.shape[1];
  if (latentChannels === undefined || decoderChannels === undefined) {
    throw new EngineError(
      'INVALID_CHECKPOINT',
      'TAE checkpoints lack "14.weight" (encoder) or "1.weight" (decoder)',
    );
  }
  if (latentChannels !== decoderChannels) {
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `TAE encoder emits ${latentChannels} latent channels but the decoder takes ${decoderChannels}`,
    );
  }
  return {
    encoder: buildPart(encoderWeights, 'encoder', ENCODER, latentChannels),
    decoder: buildPart(decoderWeights, 'decoder', DECODER, latentChannels),
    latentChannels,
  };
}

// Builds the Tiny AutoEncoder (TAESD family) encoder and decoder as ONNX graphs from a state dict.
// Layer indices follow the upstream nn.Sequential, so state-dict keys map one to one.
//
// Three flavours of the same graph: "float" (plain float32), "calibrate" (float32 plus the min and
// max of every activation that the int8 graph quantizes, as extra scalar outputs) and "int8" (QDQ:
// int8 per-output-channel symmetric weights, uint8 activations, int32 biases), which onnxruntime
// fuses into QLinearConv / QLinearAdd. Every nearest-2x-upsample + 3x3 conv pair is written as four
// 2x2 convolutions on the low-resolution input, interleaved by DepthToSpace (exact; 2.25x fewer
// multiply-accumulates) unless `fourPhase` is false.
import { EngineError } from '../errors.ts';
import type { TensorMap } from '../weights/index.ts';
import { GraphBuilder } from './onnx.ts';
import {
  activationQuantization,
  equalizationScales,
  quantizeBias,
  quantizeWeightPerChannel,
  scaledRange,
  type ActivationRanges,
  type QuantizationParameters,
} from './quantize.ts';

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

/** Fewest output channels ONNX Runtime's QLinearConv runs efficiently (see `rgbOutputInt8`). */
const QLINEAR_MIN_OUTPUT_CHANNELS = 16;

/** `data` extended with zeros to `length` values (itself when already that long). */
function zeroPadded(data: Float32Array, length: number): Float32Array {
  if (data.length >= length) return data;
  const padded = new Float32Array(length);
  padded.set(data);
  return padded;
}

/** Upstream's latent clamp: tanh(x / 3) * 3. */
const LATENT_MAGNITUDE = 3;
const GROUP_NORM_GROUPS = 4;
const GROUP_NORM_EPSILON = 1e-5;

/** How the graph is built: plain float32, float32 with activation statistics, or int8 QDQ. */
export type TaeMode =
  | { kind: 'float' }
  | { kind: 'calibrate' }
  | {
      kind: 'int8';
      /** Calibrated range of every quantized activation, by tap name (see `calibrationTaps`). */
      ranges: ActivationRanges;
      /**
       * Layers kept in float32 (mixed precision), by layer index ("18" is block 18, "17" the
       * upsampling convolution 17): their weights and inner activations stay float; their output
       * is still quantized so the next layer runs in int8.
       */
      floatLayers?: ReadonlySet<string>;
      /** Power of the per-channel equalization (0: none; see `equalizationScales`). */
      equalization?: number;
    };

export interface TaeBuildOptions {
  mode?: TaeMode;
  /** Upsample + conv as four 2x2 phase convolutions and DepthToSpace (default true; int8 requires it). */
  fourPhase?: boolean;
}

/** Output names of the calibration statistics of tap `name`. */
export const calibrationOutputs = (name: string): { min: string; max: string } => ({
  min: `calib_min:${name}`,
  max: `calib_max:${name}`,
});

type Kind = 'relu' | 'signed';

/** Row (or column) taps of the two phases: phase 0 reads offsets -1, 0; phase 1 reads 0, +1. */
const PHASE_TAPS: readonly (readonly (readonly number[])[])[] = [
  [[0], [1, 2]],
  [[0, 1], [2]],
];

/** The four 2x2 kernels [O, I, 2, 2] equivalent to a nearest 2x upsample followed by `weight` (3x3). */
export function fourPhaseKernels(weight: Float32Array, shape: readonly number[]): Float32Array[] {
  const [outChannels, inChannels, kh, kw] = shape as [number, number, number, number];
  if (kh !== 3 || kw !== 3) throw new Error('four-phase rewrite needs a 3x3 kernel');
  const kernels: Float32Array[] = [];
  for (const rowTaps of PHASE_TAPS) {
    for (const colTaps of PHASE_TAPS) {
      const kernel = new Float32Array(outChannels * inChannels * 4);
      for (let oi = 0; oi < outChannels * inChannels; oi++) {
        for (let ty = 0; ty < 2; ty++) {
          for (let tx = 0; tx < 2; tx++) {
            let sum = 0; // float64, rounded once
            for (const ky of rowTaps[ty]!)
              for (const kx of colTaps[tx]!) sum += weight[oi * 9 + ky * 3 + kx]!;
            kernel[oi * 4 + ty * 2 + tx] = sum;
          }
        }
      }
      kernels.push(kernel);
    }
  }
  return kernels;
}

interface EqualizationGroups {
  /** The group (channels sharing one equalization scale vector) of each tap. */
  taps: Map<string, string>;
  /** Input and output groups of each convolution, by state-dict prefix. */
  convs: Map<string, { in?: string; out?: string }>;
}

/**
 * Channel groups for equalization: the residual stream of each resolution stage (the stage's first
 * convolution, every block's conv.4, pool.3 and output write it; conv.0, pool.0 and the next
 * stage's convolution read it) and each block's two inner ReLU activations.
 */
function equalizationGroups(layers: readonly Layer[]): EqualizationGroups {
  const taps = new Map<string, string>();
  const convs = new Map<string, { in?: string; out?: string }>();
  let stage = 0;
  let stream = 'stream0';
  let seenConv = false;
  layers.forEach((layer, i) => {
    if (layer.op === 'conv') {
      const index = String(layer.index);
      if (i === layers.length - 1) {
        convs.set(index, { in: stream });
      } else if (!seenConv) {
        convs.set(index, { out: stream });
        taps.set(index, stream);
      } else {
        const next = `stream${++stage}`;
        convs.set(index, { in: stream, out: next });
        taps.set(index, next);
        stream = next;
      }
      seenConv = true;
    } else if (layer.op === 'block') {
      const b = layer.index;
      convs.set(`${b}.conv.0`, { in: stream, out: `${b}.conv.0` });
      convs.set(`${b}.conv.2`, { in: `${b}.conv.0`, out: `${b}.conv.2` });
      convs.set(`${b}.conv.4`, { in: `${b}.conv.2`, out: stream });
      convs.set(`${b}.pool.0`, { in: stream });
      convs.set(`${b}.pool.3`, { out: stream });
      taps.set(`${b}.conv.0`, `${b}.conv.0`);
      taps.set(`${b}.conv.2`, `${b}.conv.2`);
      for (const tap of [`${b}.conv.4`, `${b}.pool`, String(b)]) taps.set(tap, stream);
    }
  });
  return { taps, convs };
}

/** kernel[o, i, ...] * outScale[o] / inScale[i] and bias[o] * outScale[o]; copies. */
function equalizeKernel(
  kernel: Float32Array,
  shape: readonly number[],
  bias: Float32Array | undefined,
  outScale: Float32Array | undefined,
  inScale: Float32Array | undefined,
): { kernel: Float32Array; bias: Float32Array | undefined } {
  if (!outScale && !inScale) return { kernel, bias };
  const [outChannels, inChannels] = shape as [number, number];
  const spatial = kernel.length / (outChannels * inChannels);
  const scaled = new Float32Array(kernel.length);
  for (let o = 0; o < outChannels; o++)
    for (let i = 0; i < inChannels; i++) {
      const factor = (outScale?.[o] ?? 1) / (inScale?.[i] ?? 1);
      const base = (o * inChannels + i) * spatial;
      for (let k = 0; k < spatial; k++) scaled[base + k] = kernel[base + k]! * factor;
    }
  return { kernel: scaled, bias: bias?.map((b, o) => b * (outScale?.[o] ?? 1)) };
}

class TaeGraph {
  private readonly used = new Set<string>();
  /** Quantization parameters of each dequantized activation, by the DequantizeLinear output's name. */
  private readonly scales = new Map<string, QuantizationParameters>();
  /** The QuantizeLinear output behind each DequantizeLinear output. */
  private readonly quantizedOf = new Map<string, string>();
  /** Inside a float32 layer of an int8 graph. */
  private inFloatLayer = false;
  readonly graph: GraphBuilder;
  readonly taps: string[] = [];

  readonly groups: EqualizationGroups;
  /** The layer reading each layer's output (the next convolution or block), by layer index. */
  private readonly consumers = new Map<string, string>();
  /** Equalization scales by group (int8 only). */
  private readonly groupScales = new Map<string, Float32Array>();
  private readonly weights: TensorMap;
  private readonly part: string;
  private readonly mode: TaeMode;
  private readonly fourPhase: boolean;

  constructor(
    weights: TensorMap,
    part: string,
    mode: TaeMode,
    fourPhase: boolean,
    layers: readonly Layer[],
  ) {
    this.weights = weights;
    this.part = part;
    this.mode = mode;
    this.fourPhase = fourPhase;
    this.graph = new GraphBuilder(`tae_${part}`);
    this.groups = equalizationGroups(layers);
    const weighted = layers.filter((layer) => layer.op === 'conv' || layer.op === 'block');
    weighted.forEach((layer, i) => {
      const next = weighted[i + 1];
      if (next) this.consumers.set(String(layer.index), String(next.index));
    });
    if (mode.kind === 'int8') {
      const members = new Map<string, { min: number[]; max: number[] }[]>();
      for (const [tap, group] of this.groups.taps) {
        const range = mode.ranges[tap];
        if (range) members.set(group, [...(members.get(group) ?? []), range]);
      }
      for (const [group, ranges] of members)
        this.groupScales.set(group, equalizationScales(ranges, mode.equalization ?? 0));
    }
  }

  scaleOf(group: string | undefined): Float32Array | undefined {
    return group === undefined ? undefined : this.groupScales.get(group);
  }

  /** The kernel and bias of convolution `prefix` with its channel equalization folded in. */
  private equalized(
    prefix: string,
    kernel: Float32Array,
    shape: readonly number[],
    bias: Float32Array | undefined,
  ): { kernel: Float32Array; bias: Float32Array | undefined } {
    const groups = this.groups.convs.get(prefix);
    return equalizeKernel(kernel, shape, bias, this.scaleOf(groups?.out), this.scaleOf(groups?.in));
  }

  has(key: string): boolean {
    return this.weights.has(key);
  }

  /** A state-dict tensor; missing tensors are a checkpoint error. */
  tensor(key: string): { data: Float32Array; shape: number[] } {
    const tensor = this.weights.get(key);
    if (!tensor)
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `TAE ${this.part}: tensor "${key}" is missing from the checkpoint`,
      );
    this.used.add(key);
    return tensor;
  }

  /** Adds a state-dict tensor as a float32 initializer. */
  weight(key: string): { name: string; shape: number[] } {
    const tensor = this.tensor(key);
    this.graph.constant(key, tensor.shape, tensor.data);
    return { name: key, shape: tensor.shape };
  }

  /**
   * Marks an activation: in "calibrate" mode its min and max become outputs; in "int8" mode it is
   * quantized to uint8 (zero point 0 after a ReLU, asymmetric otherwise; its range cut at `floor`)
   * and dequantized again.
   */
  act(x: string, tap: string, kind: Kind, floor = -Infinity): string {
    if (this.mode.kind === 'float' || this.inFloatLayer) return x;
    if (this.mode.kind === 'calibrate') {
      const names = calibrationOutputs(tap);
      const axes = this.graph.constant('channel_axes', [3], new BigInt64Array([0n, 2n, 3n]));
      this.graph.node('ReduceMin', [x, axes], { keepdims: 0 }, names.min);
      this.graph.node('ReduceMax', [x, axes], { keepdims: 0 }, names.max);
      this.taps.push(tap);
      return x;
    }
    const q = this.quantization(tap, kind, floor);
    const quantized = this.graph.node('QuantizeLinear', [x, q.scale, q.zeroPoint]);
    const dequantized = this.graph.node('DequantizeLinear', [quantized, q.scale, q.zeroPoint]);
    this.scales.set(dequantized, q.value);
    this.quantizedOf.set(dequantized, quantized);
    return dequantized;
  }

  /** Scale and zero point constants of activation `tap` (int8 only). */
  private quantization(
    tap: string,
    kind: Kind,
    floor = -Infinity,
  ): { scale: string; zeroPoint: string; value: QuantizationParameters } {
    const range = this.mode.kind === 'int8' ? this.mode.ranges[tap] : undefined;
    if (!range)
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `TAE ${this.part}: no calibrated range for ${tap}`,
      );
    const [min, max] = scaledRange(range, this.scaleOf(this.groups.taps.get(tap)));
    const q = activationQuantization(kind === 'relu' ? [0, max] : [Math.max(min, floor), max]);
    return {
      scale: this.graph.constant(`${tap}.scale`, [], new Float32Array([q.scale])),
      zeroPoint: this.graph.constant(`${tap}.zero_point`, [], new Uint8Array([q.zeroPoint])),
      value: q,
    };
  }

  /** The uint8 tensor a dequantized activation came from (int8 segment outputs hand it on). */
  quantizedSource(dequantized: string): string {
    const quantized = this.quantizedOf.get(dequantized);
    if (!quantized) throw new Error(`${dequantized} is not a dequantized activation`);
    return quantized;
  }

  /** A segment's uint8 input: activation `tap` as the previous segment quantized it. */
  dequantizeInput(x: string, tap: string, kind: Kind): string {
    const q = this.quantization(tap, kind);
    const dequantized = this.graph.node('DequantizeLinear', [x, q.scale, q.zeroPoint]);
    this.scales.set(dequantized, q.value);
    return dequantized;
  }

  /** Conv inputs for a kernel: float32, or int8 weights and int32 bias (DequantizeLinear'd) when x is quantized. */
  private convInputs(
    x: string,
    name: string,
    kernel: Float32Array,
    shape: readonly number[],
    bias: Float32Array | undefined,
    floatKernel: boolean,
  ): string[] {
    const inputScale = this.scales.get(x)?.scale;
    if (this.mode.kind !== 'int8' || inputScale === undefined || floatKernel || this.inFloatLayer) {
      const inputs = [x, this.graph.constant(name, shape, kernel)];
      if (bias) inputs.push(this.graph.constant(`${name}.bias`, [bias.length], bias));
      return inputs;
    }
    const channels = shape[0]!;
    const q = quantizeWeightPerChannel(kernel, channels);
    const zeros = new Int8Array(channels);
    const weight = this.graph.node(
      'DequantizeLinear',
      [
        this.graph.constant(`${name}.q`, shape, q.data),
        this.graph.constant(`${name}.scale`, [channels], q.scales),
        this.graph.constant(`${name}.zero_point`, [channels], zeros),
      ],
      { axis: 0 },
    );
    const inputs = [x, weight];
    if (bias) {
      const b = quantizeBias(bias, inputScale, q.scales);
      inputs.push(
        this.graph.node(
          'DequantizeLinear',
          [
            this.graph.constant(`${name}.bias.q`, [channels], b.data),
            this.graph.constant(`${name}.bias.scale`, [channels], b.scales),
            this.graph.constant(`${name}.bias.zero_point`, [channels], new Int32Array(channels)),
          ],
          { axis: 0 },
        ),
      );
    }
    return inputs;
  }

  private isFloatLayer(index: string): boolean {
    return this.mode.kind === 'int8' && (this.mode.floatLayers?.has(index) ?? false);
  }

  /**
   * Whether layer `index`'s output is quantized (tap `index`): in an int8 graph, an int8 layer's
   * always; a float32 layer's only when an int8 layer reads it, for between two float32 layers a
   * quantization step would only add noise.
   */
  quantizesOutput(index: string): boolean {
    if (this.mode.kind !== 'int8') return false;
    const consumer = this.consumers.get(index);
    return !this.isFloatLayer(index) || consumer === undefined || !this.isFloatLayer(consumer);
  }

  /** Builds a layer; a float32 layer of an int8 graph has its output quantized as `quantizesOutput` says. */
  private within(index: string, kind: Kind, build: () => string): string {
    if (!this.isFloatLayer(index)) return build();
    this.inFloatLayer = true;
    let out: string;
    try {
      out = build();
    } finally {
      this.inFloatLayer = false;
    }
    return this.quantizesOutput(index) ? this.act(out, index, kind) : out;
  }

  /** Convolution `prefix`; `outputChannels` above the kernel's pads it with zero filters. */
  conv(x: string, prefix: string, stride = 1, forceFloat = false, outputChannels = 0): string {
    const weight = this.tensor(`${prefix}.weight`);
    if (weight.shape.length !== 4)
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `TAE ${this.part}: "${prefix}.weight" is not a 4-D convolution kernel`,
      );
    const [channels, inChannels, kh, kw] = weight.shape as [number, number, number, number];
    const eq = this.equalized(
      prefix,
      weight.data,
      weight.shape,
      this.has(`${prefix}.bias`) ? this.tensor(`${prefix}.bias`).data : undefined,
    );
    const padded = Math.max(channels, outputChannels);
    const inputs = this.convInputs(
      x,
      `${prefix}.weight`,
      zeroPadded(eq.kernel, padded * inChannels * kh * kw),
      [padded, inChannels, kh, kw],
      eq.bias && zeroPadded(eq.bias, padded),
      forceFloat,
    );
    return this.graph.node('Conv', inputs, {
      kernel_shape: [kh, kw],
      pads: [kh >> 1, kw >> 1, kh >> 1, kw >> 1],
      strides: [stride, stride],
    });
  }

  /** Nearest 2x upsample then conv `prefix` (3x3, no bias); the result is marked as tap `prefix`. */
  upsampleConv(x: string, prefix: string): string {
    return this.within(prefix, 'signed', () => this.upsampleConvLayer(x, prefix));
  }

  private upsampleConvLayer(x: string, prefix: string): string {
    if (!this.fourPhase) {
      const scales = this.graph.constant('upsample_scales', [4], new Float32Array([1, 1, 2, 2]));
      // asymmetric + floor is exactly PyTorch's nearest upsampling: out[i] = in[floor(i / 2)].
      const up = this.graph.node('Resize', [x, '', scales], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      return this.act(this.conv(up, prefix), prefix, 'signed');
    }
    const weight = this.tensor(`${prefix}.weight`);
    const { kernel, bias } = this.equalized(
      prefix,
      weight.data,
      weight.shape,
      this.has(`${prefix}.bias`) ? this.tensor(`${prefix}.bias`).data : undefined,
    );
    const [outChannels, inChannels] = weight.shape as [number, number];
    const kernels = fourPhaseKernels(kernel, weight.shape);
    const phases = kernels.map((kernel, phase) => {
      const [a, b] = [phase >> 1, phase & 1];
      const out = this.graph.node(
        'Conv',
        this.convInputs(
          x,
          `${prefix}.phase${a}${b}`,
          kernel,
          [outChannels, inChannels, 2, 2],
          bias,
          false,
        ),
        { kernel_shape: [2, 2], pads: [1 - a, 1 - b, a, b], strides: [1, 1] },
      );
      // In int8 every phase shares the layer's range, so Concat and the interleave stay in uint8.
      return this.mode.kind === 'int8' ? this.act(out, prefix, 'signed') : out;
    });
    const joined = this.graph.node('Concat', phases, { axis: 1 });
    if (this.mode.kind !== 'int8' || this.inFloatLayer) {
      const interleaved = this.graph.node('DepthToSpace', [joined], { blocksize: 2, mode: 'DCR' });
      return this.act(interleaved, prefix, 'signed');
    }
    const interleaved = this.interleaveNhwc(this.act(joined, prefix, 'signed'), outChannels);
    return this.act(interleaved, prefix, 'signed');
  }

  /**
   * DepthToSpace (DCR, block 2) of a quantized [N, 4C, H, W] activation, written as channels-last
   * transposes and reshapes. ONNX Runtime runs QLinearConv channels-last but DepthToSpace only
   * channels-first, so DepthToSpace between two int8 convolutions costs two layout transposes of
   * the full-resolution tensor besides its own copy (60 of 573 ms, 512x512 int8 decode, 1 thread);
   * written channels-last, the layout transposes cancel and one 6-D transpose is left (12 ms).
   */
  private interleaveNhwc(x: string, channels: number): string {
    const g = this.graph;
    const int64 = this.int64.bind(this);
    const nhwc = g.node('Transpose', [x], { perm: [0, 2, 3, 1] });
    // [N, H, W, 4C] -> [N, H, W, 2, 2, C] -> [N, H, 2, W, 2, C], which is [N, 2H, 2W, C] in memory.
    const split = g.node('Reshape', [
      nhwc,
      int64(`interleave_split_${channels}`, [0, 0, 0, 2, 2, channels]),
    ]);
    const moved = g.node('Transpose', [split], { perm: [0, 1, 3, 2, 4, 5] });
    // The target shape from the uint8 tensor's shape: Shape of its dequantized form would compute that.
    const shape = g.node('Gather', [
      g.node('Shape', [this.quantizedSource(x)]),
      int64('nchw_to_nhwc', [0, 2, 3, 1]),
    ]);
    const target = g.node('Add', [
      g.node('Mul', [shape, int64('interleave_scale', [1, 2, 2, 0])]),
      int64(`interleave_channels_${channels}`, [0, 0, 0, channels]),
    ]);
    const merged = g.node('Reshape', [moved, target]);
    return g.node('Transpose', [merged], { perm: [0, 3, 1, 2] });
  }

  /**
   * The decoder's last convolution in int8, padded to `QLINEAR_MIN_OUTPUT_CHANNELS` filters and
   * sliced back to RGB: ONNX Runtime's QLinearConv with 3 output channels took 127 ms at 512x512
   * (1 thread), with 16 (13 of them zero) 14 ms. Weights quantize per channel and the activation
   * per tensor, so the RGB channels are the same bits as unpadded.
   */
  private rgbOutputInt8(x: string, index: string): string {
    const channels = this.tensor(`${index}.weight`).shape[0]!;
    const padded = this.act(
      this.conv(x, index, 1, false, QLINEAR_MIN_OUTPUT_CHANNELS),
      index,
      'signed',
    );
    return this.graph.node('Slice', [
      padded,
      this.int64('rgb_start', [0]),
      this.int64('rgb_end', [channels]),
      this.int64('channel_axis', [1]),
    ]);
  }

  /** An int64 vector constant (shapes, axes). */
  private int64(name: string, values: readonly number[]): string {
    return this.graph.constant(name, [values.length], BigInt64Array.from(values, BigInt));
  }

  /**
   * GroupNormalization as InstanceNormalization of the groups and a per-channel affine. ONNX
   * Runtime expands opset-21 GroupNormalization into about ten elementwise passes over the tensor
   * (Cast, ReduceMean, Sub, Mul, Div, ...), which at 2048x2048 (256 channels at 256x256) took half
   * the decoder's first stage; InstanceNormalization is one kernel.
   */
  private groupNorm(x: string, prefix: string): string {
    const g = this.graph;
    const scale = this.tensor(`${prefix}.weight`);
    const bias = this.tensor(`${prefix}.bias`);
    const channels = scale.data.length;
    const grouped = g.node('Reshape', [
      x,
      this.int64('group_norm_groups', [0, GROUP_NORM_GROUPS, -1]),
    ]);
    const normalized = g.node(
      'InstanceNormalization',
      [
        grouped,
        g.constant(
          'group_norm_ones',
          [GROUP_NORM_GROUPS],
          new Float32Array(GROUP_NORM_GROUPS).fill(1),
        ),
        g.constant('group_norm_zeros', [GROUP_NORM_GROUPS], new Float32Array(GROUP_NORM_GROUPS)),
      ],
      { epsilon: GROUP_NORM_EPSILON },
    );
    const restored = g.node('Reshape', [normalized, g.node('Shape', [x])]);
    return g.node('Add', [
      g.node('Mul', [restored, g.constant(`${prefix}.weight`, [channels, 1, 1], scale.data)]),
      g.constant(`${prefix}.bias`, [channels, 1, 1], bias.data),
    ]);
  }

  relu(x: string): string {
    return this.graph.node('Relu', [x]);
  }

  /** relu(conv(relu(conv(relu(conv(x))))) + x), preceded in "mid" blocks by x + pool(x) when its weights exist. */
  block(x: string, index: number): string {
    return this.within(String(index), 'relu', () => this.blockLayer(x, index));
  }

  private blockLayer(x: string, index: number): string {
    if (this.has(`${index}.pool.0.weight`)) {
      // The pooling branch (1x1 convs around a GroupNorm, at 1/8 resolution) stays in float32.
      const widened = this.conv(x, `${index}.pool.0`, 1, true);
      const normalized = this.groupNorm(widened, `${index}.pool.1`);
      x = this.graph.node('Add', [x, this.conv(this.relu(normalized), `${index}.pool.3`, 1, true)]);
      x = this.act(x, `${index}.pool`, 'signed');
    }
    let y = this.act(this.relu(this.conv(x, `${index}.conv.0`)), `${index}.conv.0`, 'relu');
    y = this.act(this.relu(this.conv(y, `${index}.conv.2`)), `${index}.conv.2`, 'relu');
    // relu(y + x) is 0 wherever y <= -max(x), so conv.4's range needs nothing below -max(x) (up to
    // half a step of rounding), and its negative tail is long (decoder block 18: -13.7 against
    // +4.7 after equalization, -5.6 for its input): its step is up to twice finer.
    const input = this.scales.get(x);
    const floor = input ? -(255 - input.zeroPoint) * input.scale : -Infinity;
    y = this.act(this.conv(y, `${index}.conv.4`), `${index}.conv.4`, 'signed', floor);
    return this.act(this.relu(this.graph.node('Add', [y, x])), String(index), 'relu');
  }

  /** One layer; `next` is the following layer (a conv followed by a ReLU applies it and is marked after it). */
  layer(x: string, layer: Layer, next: Layer | undefined): string {
    switch (layer.op) {
      case 'conv': {
        const index = String(layer.index);
        if (next === undefined) {
          // The decoder's RGB output is quantized too (a step of about 1/200 of the range, well
          // below 8-bit output rounding): its convolution then runs in int8 and only 3 channels
          // are dequantized, not the 64 of its input. The encoder's latent stays float32.
          if (this.part !== 'decoder') return this.conv(x, index, layer.stride);
          if (this.mode.kind !== 'int8')
            return this.act(this.conv(x, index, layer.stride), index, 'signed');
          return this.rgbOutputInt8(x, index);
        }
        if (next.op === 'relu')
          return this.within(index, 'relu', () =>
            this.act(this.relu(this.conv(x, index, layer.stride)), index, 'relu'),
          );
        return this.within(index, 'signed', () =>
          this.act(this.conv(x, index, layer.stride), index, 'signed'),
        );
      }
      case 'block':
        return this.block(x, layer.index);
      case 'relu':
        return x; // applied (and marked) with the convolution before it
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
      case 'upsample':
        throw new Error('an upsample is built together with the convolution after it');
    }
  }

  usedKeys(): ReadonlySet<string> {
    return this.used;
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

export type TaePart = 'encoder' | 'decoder';

function latentChannelsOf(weights: TensorMap, part: TaePart): number {
  const latentChannels =
    part === 'encoder' ? weights.get('14.weight')?.shape[0] : weights.get('1.weight')?.shape[1];
  if (latentChannels === undefined)
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `TAE ${part} checkpoint lacks "${part === 'encoder' ? '14' : '1'}.weight"`,
    );
  return latentChannels;
}

function checkedMode(options: TaeBuildOptions): { mode: TaeMode; fourPhase: boolean } {
  const mode = options.mode ?? { kind: 'float' };
  const fourPhase = options.fourPhase ?? true;
  if (mode.kind === 'int8' && !fourPhase)
    throw new Error('int8 TAE graphs are built with four-phase upsampling');
  return { mode, fourPhase };
}

/** Builds layers [from, to) onto `value`; an upsample is built with the convolution after it. */
function buildLayers(
  tae: TaeGraph,
  layers: readonly Layer[],
  from: number,
  to: number,
  value: string,
): string {
  for (let i = from; i < to; i++) {
    const layer = layers[i]!;
    if (layer.op === 'upsample') {
      const conv = layers[++i];
      if (conv?.op !== 'conv') throw new Error('an upsample must be followed by a convolution');
      value = tae.upsampleConv(value, String(conv.index));
    } else {
      value = tae.layer(value, layer, layers[i + 1]);
    }
  }
  return value;
}

/** One half's graph; in "calibrate" mode `taps` lists the calibrated activations in graph order. */
export function buildTaePart(
  weights: TensorMap,
  part: TaePart,
  options: TaeBuildOptions = {},
): { model: Uint8Array; taps: string[] } {
  const { mode, fourPhase } = checkedMode(options);
  const layers = part === 'encoder' ? ENCODER : DECODER;
  const latentChannels = latentChannelsOf(weights, part);
  const tae = new TaeGraph(weights, part, mode, fourPhase, layers);
  const image = { name: 'image', dims: ['N', 3, 'H', 'W'] };
  const latent = { name: 'latent', dims: ['N', latentChannels, 'h', 'w'] };
  const [input, output] = part === 'encoder' ? [image, latent] : [latent, image];
  const value = buildLayers(tae, layers, 0, layers.length, input.name);
  tae.assertAllUsed();
  const extra = tae.taps.flatMap((tap) => {
    const names = calibrationOutputs(tap);
    return [names.min, names.max];
  });
  return { model: tae.graph.build(input, value, output, extra), taps: tae.taps };
}

/**
 * One resolution stage of a TAE half as its own graph, so the high-resolution stages can run tile
 * by tile (see `tiled.ts`). The decoder is cut before each upsample, the encoder before each
 * stride-2 convolution. A stage with only convolutions, ReLUs and adds gives exact output for a
 * tile whose input carries `halo` pixels of context on each side; a stage with a global op (the
 * mid blocks' GroupNorm, at latent resolution) runs whole.
 */
export interface TaeSegment {
  model: Uint8Array;
  /** Output side / input side: 2 for an upsampling stage, 0.5 for a downsampling one, else 1. */
  scale: 0.5 | 1 | 2;
  /**
   * Receptive-field radius in pixels of the stage's lower-resolution side (a tile needs this much
   * context on each side for its output to equal the whole image's), or null where a global op
   * (GroupNorm) forbids tiling.
   */
  halo: number | null;
  /** Graph input and output names. */
  input: string;
  output: string;
  /** Element type between stages: uint8 (the quantized activation itself) in int8 graphs. */
  inputType: 'float32' | 'uint8';
  outputType: 'float32' | 'uint8';
}

/**
 * Radius of the receptive field of layers [from, to), in pixels of their lower-resolution side: a
 * 3x3 convolution adds 1, a block 3 (its pooling branch, a global op, makes the range untileable:
 * null), a nearest 2x upsample followed by a 3x3 convolution maps an output radius r to
 * ceil((r + 1) / 2) input pixels, and a leading stride-2 3x3 convolution adds ceil(1 / 2) = 1
 * output pixel (a tile starts on an even input row, so its first output reads the tile's padding).
 */
function receptiveRadius(
  weights: TensorMap,
  layers: readonly Layer[],
  from: number,
  to: number,
): number | null {
  let radius = 0;
  for (let i = to - 1; i >= from; i--) {
    const layer = layers[i]!;
    if (layer.op === 'conv') {
      const kernel = kernelRadius(weights, String(layer.index));
      if (layers[i - 1]?.op === 'upsample') {
        radius = Math.ceil((radius + kernel) / 2);
        i--;
      } else if ((layer.stride ?? 1) === 2 && i === from) {
        radius += Math.ceil(kernel / 2);
      } else {
        if ((layer.stride ?? 1) !== 1) return null;
        radius += kernel;
      }
    } else if (layer.op === 'block') {
      if (weights.has(`${layer.index}.pool.0.weight`)) return null;
      for (const conv of ['conv.0', 'conv.2', 'conv.4'])
        radius += kernelRadius(weights, `${layer.index}.${conv}`);
    }
  }
  return radius;
}

function kernelRadius(weights: TensorMap, prefix: string): number {
  const shape = weights.get(`${prefix}.weight`)?.shape;
  if (shape?.length !== 4)
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `TAE: "${prefix}.weight" is not a convolution kernel`,
    );
  return (shape[2]! - 1) / 2;
}

/** Where a half changes resolution: before each upsample (decoder), each stride-2 conv (encoder). */
function isResolutionCut(layer: Layer): boolean {
  return layer.op === 'upsample' || (layer.op === 'conv' && (layer.stride ?? 1) === 2);
}

/** A half cut into resolution stages (`TaeSegment`), in order. */
export function buildTaeSegments(
  weights: TensorMap,
  part: TaePart,
  options: TaeBuildOptions = {},
): TaeSegment[] {
  const { mode, fourPhase } = checkedMode(options);
  if (mode.kind === 'calibrate') throw new Error('calibration uses the whole graph');
  const layers = part === 'encoder' ? ENCODER : DECODER;
  const latentChannels = latentChannelsOf(weights, part);
  const cuts = layers.flatMap((layer, i) => (i > 0 && isResolutionCut(layer) ? [i] : []));
  const bounds = [0, ...cuts, layers.length];
  const [halfInput, halfOutput] = part === 'encoder' ? ['image', 'latent'] : ['latent', 'image'];
  const used = new Set<string>();
  const segments = bounds.slice(0, -1).map((from, k): TaeSegment => {
    const to = bounds[k + 1]!;
    const first = from === 0;
    const last = to === layers.length;
    const tae = new TaeGraph(weights, part, mode, fourPhase, layers);
    const firstConv = layers
      .slice(from)
      .find((layer): layer is Extract<Layer, { op: 'conv' }> => layer.op === 'conv')!;
    const channels = first
      ? part === 'encoder'
        ? 3
        : latentChannels
      : weights.get(`${firstConv.index}.weight`)!.shape[1]!;
    // Every stage but the first begins after a block, whose output (a ReLU activation tapped by
    // its index) is handed on as uint8 where it is quantized.
    const quantizedBlock = (i: number): string | undefined => {
      const block = layers[i];
      if (block?.op !== 'block') throw new Error(`a ${part} stage must follow a block`);
      const index = String(block.index);
      return tae.quantizesOutput(index) ? index : undefined;
    };
    const inputTap = first ? undefined : quantizedBlock(from - 1);
    const input = {
      name: first ? halfInput : 'x',
      dims: ['N', channels, 'h', 'w'],
      type: (inputTap === undefined ? 'float32' : 'uint8') as 'float32' | 'uint8',
    };
    let value = input.name;
    if (inputTap !== undefined) value = tae.dequantizeInput(value, inputTap, 'relu');
    value = buildLayers(tae, layers, from, to, value);
    const outputType: 'float32' | 'uint8' =
      last || quantizedBlock(to - 1) === undefined ? 'float32' : 'uint8';
    if (outputType === 'uint8') value = tae.quantizedSource(value);
    const output = {
      name: last ? halfOutput : 'y',
      dims: ['N', 'C', 'H', 'W'],
      type: outputType,
    } as const;
    tae.usedKeys().forEach((key) => used.add(key));
    return {
      model: tae.graph.build(input, value, output),
      scale: first ? 1 : part === 'encoder' ? 0.5 : 2,
      halo: receptiveRadius(weights, layers, from, to),
      input: input.name,
      output: output.name,
      inputType: input.type,
      outputType,
    };
  });
  const unused = [...weights.keys()].filter((key) => !used.has(key));
  if (unused.length > 0)
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `TAE ${part}: unexpected tensors ${unused.slice(0, 5).join(', ')}; not a TAESD-family checkpoint`,
    );
  return segments;
}

/** Checks that the halves agree on the latent channel count; returns it. */
export function taeLatentChannels(encoderWeights: TensorMap, decoderWeights: TensorMap): number {
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
  return latentChannels;
}

/** Encoder (RGB [0,1] -> latent) and decoder (latent -> RGB about [0,1]) graphs; channel count from the weights. */
export function buildTaeGraphs(
  encoderWeights: TensorMap,
  decoderWeights: TensorMap,
  options: TaeBuildOptions = {},
): TaeGraphs {
  const latentChannels = taeLatentChannels(encoderWeights, decoderWeights);
  return {
    encoder: buildTaePart(encoderWeights, 'encoder', options).model,
    decoder: buildTaePart(decoderWeights, 'decoder', options).model,
    latentChannels,
  };
}

// Int8 quantization arithmetic of the TAE graphs: per-channel symmetric int8 weights, int32
// biases, uint8 activation parameters from calibrated ranges (see calibration.ts).

/** Per-channel min and max of each quantized activation over the calibration inputs, by tap name. */
export type ActivationRanges = Record<string, { min: number[]; max: number[] }>;

/**
 * Strength of the channel equalization: a channel whose calibrated magnitude is M_c, in a group
 * whose largest is M, is scaled by (M / M_c)^power (at most EQUALIZATION_MAX_SCALE),
 * folded into the producing and consuming convolutions (exact in real arithmetic: ReLU, Add,
 * Concat and DepthToSpace commute with positive per-channel scales).
 */
const EQUALIZATION_MAX_SCALE = 8;

/** Per-channel scales equalizing the magnitudes of a group of activations (tensors sharing channels). */
export function equalizationScales(
  ranges: readonly { min: number[]; max: number[] }[],
  power: number,
): Float32Array {
  const channels = ranges[0]?.max.length ?? 0;
  const magnitude = new Float64Array(channels);
  for (const range of ranges)
    for (let c = 0; c < channels; c++)
      magnitude[c] = Math.max(magnitude[c]!, Math.abs(range.min[c]!), Math.abs(range.max[c]!));
  const largest = Math.max(...magnitude);
  return Float32Array.from(magnitude, (m) =>
    m > 0 ? Math.min(EQUALIZATION_MAX_SCALE, (largest / m) ** power) : 1,
  );
}

/** The per-tensor [min, max] of an activation after its channels are multiplied by `scales`. */
export function scaledRange(
  range: { min: number[]; max: number[] },
  scales: Float32Array | undefined,
): [number, number] {
  let min = 0;
  let max = 0;
  for (let c = 0; c < range.max.length; c++) {
    const s = scales?.[c] ?? 1;
    min = Math.min(min, range.min[c]! * s);
    max = Math.max(max, range.max[c]! * s);
  }
  return [min, max];
}

export interface QuantizationParameters {
  scale: number;
  zeroPoint: number;
}

/** uint8 parameters covering `range` (widened to include 0, so that 0 is exact); zero point 0 when min is 0. */
export function activationQuantization(range: readonly [number, number]): QuantizationParameters {
  const min = Math.min(range[0], 0);
  const max = Math.max(range[1], 0);
  const scale = Math.fround(Math.max(max - min, 1e-6) / 255);
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
  return { scale, zeroPoint };
}

/** Symmetric per-output-channel int8 (zero point 0, values in [-127, 127]) of an [O, ...] kernel. */
export function quantizeWeightPerChannel(
  weight: Float32Array,
  channels: number,
): { data: Int8Array; scales: Float32Array } {
  const per = weight.length / channels;
  const data = new Int8Array(weight.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(weight[i]!));
    const scale = max > 0 ? Math.fround(max / 127) : 1;
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++)
      data[i] = Math.max(-127, Math.min(127, Math.round(weight[i]! / scale)));
  }
  return { data, scales };
}

/** int32 bias with scale input scale x weight scale per channel, as QLinearConv expects. */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): { data: Int32Array; scales: Float32Array } {
  const scales = weightScales.map((s) => Math.fround(inputScale * s));
  const data = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++)
    data[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(bias[c]! / scales[c]!)));
  return { data, scales };
}

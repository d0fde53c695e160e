// Int8 quantization arithmetic of the TAE graphs: per-channel symmetric int8 weights, int32
// biases, uint8 activation parameters from calibrated ranges (see calibration.ts).

/** [min, max] of each quantized activation over the calibration inputs, by tap name. */
export type ActivationRanges = Record<string, [number, number]>;

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


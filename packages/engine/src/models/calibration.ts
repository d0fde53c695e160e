// Activation ranges of the int8 TAE graphs, calibrated from photos: deterministic (a pure function
// of the weights and the photos' bytes) and cached as JSON keyed by the weights' sha256.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { EngineError } from '../errors.ts';
import { imageToTensor } from '../image/index.ts';
import { gaussianNoise } from '../noise/index.ts';
import type { TensorMap } from '../weights/index.ts';
import type { ActivationRanges } from './quantize.ts';
import { buildTaePart, calibrationOutputs, type TaePart } from './tae-graph.ts';

/** Version of the calibration recipe below; part of the cache key. */
const CALIBRATION_VERSION = 3;
/** Calibration inputs are the photos at this size (center crop), as the quality gate uses. */
export const CALIBRATION_SIDE = 512;
/** Noise added (seeded, absolute) to one set of decoder calibration latents, as noisy runs do. */
const CALIBRATION_NOISE = 0.5;
const CALIBRATION_SEED = 0;
const PHOTO = /\.(png|jpe?g|webp)$/i;

export interface Calibration {
  version: number;
  model: string;
  encoderSha256: string;
  decoderSha256: string;
  /** sha256 of each calibration photo, in the order used. */
  images: string[];
  side: number;
  encoder: ActivationRanges;
  decoder: ActivationRanges;
}

export interface CalibrationOptions {
  /** Folder of calibration photos (PNG, JPEG, WebP; read in name order). */
  imagesDir: string;
  /** Where calibrations are cached; none: computed at every load. */
  cacheDir?: string;
  intraOpThreads: number;
  /** Called when no cached calibration exists and one is computed (it takes a while). */
  onCalibrating?: () => void;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The cache file of one model's weights (both halves' sha256 in the name). */
export function calibrationCachePath(
  cacheDir: string,
  model: string,
  encoderSha256: string,
  decoderSha256: string,
): string {
  return join(
    cacheDir,
    `${model}-int8-v${CALIBRATION_VERSION}-${encoderSha256.slice(0, 16)}-${decoderSha256.slice(0, 16)}.json`,
  );
}

class RangeAccumulator {
  readonly ranges: ActivationRanges = {};

  add(taps: readonly string[], results: ort.InferenceSession.OnnxValueMapType): void {
    for (const tap of taps) {
      const names = calibrationOutputs(tap);
      const min = [...(results[names.min]!.data as Float32Array)];
      const max = [...(results[names.max]!.data as Float32Array)];
      const range = this.ranges[tap];
      this.ranges[tap] = range
        ? {
            min: range.min.map((v, c) => Math.min(v, min[c]!)),
            max: range.max.map((v, c) => Math.max(v, max[c]!)),
          }
        : { min, max };
    }
  }
}

async function calibrationSession(
  weights: TensorMap,
  part: TaePart,
  threads: number,
): Promise<{ session: ort.InferenceSession; taps: string[] }> {
  const { model, taps } = buildTaePart(weights, part, { mode: { kind: 'calibrate' } });
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads: threads,
    enableCpuMemArena: false,
  });
  return { session, taps };
}

/**
 * Runs the float32 graphs with statistics outputs: the encoder over every photo, the decoder over
 * the photos' latents, the midpoints of consecutive pairs (cyclic), and those midpoints plus seeded
 * noise. Pure function of the weights and the photos' bytes.
 */
async function computeCalibration(
  encoderWeights: TensorMap,
  decoderWeights: TensorMap,
  photos: Uint8Array[],
  threads: number,
): Promise<{ encoder: ActivationRanges; decoder: ActivationRanges }> {
  const side = CALIBRATION_SIDE;
  const latents: { data: Float32Array; dims: readonly number[] }[] = [];
  const encoderRanges = new RangeAccumulator();
  const encoder = await calibrationSession(encoderWeights, 'encoder', threads);
  try {
    for (const photo of photos) {
      const image = await imageToTensor(photo, { width: side, height: side }, 'cover');
      const results = await encoder.session.run({
        image: new ort.Tensor('float32', image.data, [...image.shape]),
      });
      encoderRanges.add(encoder.taps, results);
      const latent = results.latent!;
      latents.push({ data: latent.data as Float32Array, dims: latent.dims });
    }
  } finally {
    await encoder.session.release();
  }
  const inputs = [...latents];
  for (let i = 0; i < latents.length && latents.length > 1; i++) {
    const [a, b] = [latents[i]!, latents[(i + 1) % latents.length]!];
    const mid = a.data.map((v, k) => (v + b.data[k]!) / 2);
    const noise = gaussianNoise(CALIBRATION_SEED, i, mid.length);
    inputs.push({ data: mid, dims: a.dims });
    inputs.push({ data: mid.map((v, k) => v + CALIBRATION_NOISE * noise[k]!), dims: a.dims });
  }
  const decoderRanges = new RangeAccumulator();
  const decoder = await calibrationSession(decoderWeights, 'decoder', threads);
  try {
    for (const input of inputs) {
      const results = await decoder.session.run({
        latent: new ort.Tensor('float32', input.data, [...input.dims]),
      });
      decoderRanges.add(decoder.taps, results);
    }
  } finally {
    await decoder.session.release();
  }
  return { encoder: encoderRanges.ranges, decoder: decoderRanges.ranges };
}

async function readPhotos(imagesDir: string): Promise<Uint8Array[]> {
  let names: string[];
  try {
    names = (await readdir(imagesDir)).filter((name) => PHOTO.test(name)).sort();
  } catch {
    names = [];
  }
  if (names.length === 0)
    throw new EngineError(
      'INVALID_OPTION',
      `int8 calibration needs photos; none found in ${imagesDir}`,
      'precision',
    );
  return Promise.all(
    names.map(async (name) => new Uint8Array(await readFile(join(imagesDir, name)))),
  );
}

/** The model's activation ranges: from the cache when present, else calibrated (and cached). */
export async function loadCalibration(
  model: string,
  weights: {
    encoder: TensorMap;
    decoder: TensorMap;
    encoderSha256: string;
    decoderSha256: string;
  },
  options: CalibrationOptions,
): Promise<Calibration> {
  const cachePath = options.cacheDir
    ? calibrationCachePath(options.cacheDir, model, weights.encoderSha256, weights.decoderSha256)
    : undefined;
  if (cachePath) {
    try {
      const cached = JSON.parse(await readFile(cachePath, 'utf8')) as Calibration;
      if (
        cached.version === CALIBRATION_VERSION &&
        cached.encoderSha256 === weights.encoderSha256 &&
        cached.decoderSha256 === weights.decoderSha256
      )
        return cached;
    } catch {
      // missing or unreadable: calibrate again
    }
  }
  const photos = await readPhotos(options.imagesDir);
  options.onCalibrating?.();
  const ranges = await computeCalibration(
    weights.encoder,
    weights.decoder,
    photos,
    options.intraOpThreads,
  );
  const calibration: Calibration = {
    version: CALIBRATION_VERSION,
    model,
    encoderSha256: weights.encoderSha256,
    decoderSha256: weights.decoderSha256,
    images: photos.map(sha256),
    side: CALIBRATION_SIDE,
    ...ranges,
  };
  if (cachePath && options.cacheDir) {
    await mkdir(options.cacheDir, { recursive: true });
    const temporary = `${cachePath}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(calibration, null, 1)}\n`);
    await rename(temporary, cachePath);
  }
  return calibration;
}

// Activation ranges of the int8 TAE graphs, calibrated from photos: deterministic (a pure function
// of the weights and the photos' bytes), shipped beside the manifest (models/<id>.calibration.json)
// and otherwise cached as JSON keyed by the weights' sha256.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { EngineError } from '../errors.ts';
import { imageToTensor } from '../image/index.ts';
import { gaussianNoise } from '../noise/index.ts';
import { readWeightFile, type TensorMap } from '../weights/index.ts';
import { createCpuSession } from './cpu-session.ts';
import { resolveWeights, type WeightLocations } from './locations.ts';
import { CALIBRATION_SUFFIX, type ModelManifest } from './manifest.ts';
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
  /** File names of the calibration photos, in the order used (what the quality gate holds out). */
  photos?: string[];
  /** sha256 of each calibration photo, in the order used. */
  images: string[];
  side: number;
  encoder: ActivationRanges;
  decoder: ActivationRanges;
}

export interface CalibrationOptions {
  /** Folder of calibration photos (PNG, JPEG, WebP; read in name order); needed only to calibrate. */
  imagesDir: string | undefined;
  /** Only these photos of the folder (default: all). */
  photos?: readonly string[];
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
  return { session: await createCpuSession(model, threads), taps };
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

async function readPhotos(
  imagesDir: string,
  only?: readonly string[],
): Promise<{ names: string[]; bytes: Uint8Array[] }> {
  let names: string[];
  try {
    names = (await readdir(imagesDir)).filter((name) => PHOTO.test(name)).sort();
  } catch {
    names = [];
  }
  if (only) {
    const missing = only.filter((name) => !names.includes(name));
    if (missing.length > 0)
      throw new EngineError(
        'INVALID_OPTION',
        `int8 calibration photos not found in ${imagesDir}: ${missing.join(', ')}`,
        'photos',
      );
    names = [...only].sort();
  }
  if (names.length === 0)
    throw new EngineError(
      'INVALID_OPTION',
      `int8 calibration needs photos; none found in ${imagesDir}`,
      'precision',
    );
  const bytes = await Promise.all(
    names.map(async (name) => new Uint8Array(await readFile(join(imagesDir, name)))),
  );
  return { names, bytes };
}

export interface CalibrationWeights {
  encoder: TensorMap;
  decoder: TensorMap;
  encoderSha256: string;
  decoderSha256: string;
}

/** Calibrates from photos (a pure function of the weights and the photos' bytes). */
export async function calibrate(
  model: string,
  weights: CalibrationWeights,
  options: { imagesDir: string | undefined; photos?: readonly string[]; intraOpThreads: number },
): Promise<Calibration> {
  if (options.imagesDir === undefined)
    throw new EngineError(
      'INVALID_OPTION',
      `${model}: no calibration for these weights and no photos to calibrate from: pass calibrationImagesDir`,
      'precision',
    );
  const photos = await readPhotos(options.imagesDir, options.photos);
  const ranges = await computeCalibration(
    weights.encoder,
    weights.decoder,
    photos.bytes,
    options.intraOpThreads,
  );
  return {
    version: CALIBRATION_VERSION,
    model,
    encoderSha256: weights.encoderSha256,
    decoderSha256: weights.decoderSha256,
    photos: photos.names,
    images: photos.bytes.map(sha256),
    side: CALIBRATION_SIDE,
    ...ranges,
  };
}

/**
 * A calibration as JSON: one line per tap, each value with 9 significant digits (enough to
 * round-trip a float32 exactly; `parseCalibration` rounds back), about 4x smaller than full doubles.
 */
export function calibrationJson(calibration: Calibration): string {
  const numbers = (values: readonly number[]) => values.map((v) => Number(v.toPrecision(9)));
  const ranges = (part: ActivationRanges) =>
    Object.entries(part)
      .map(
        ([tap, r]) =>
          `    ${JSON.stringify(tap)}: ${JSON.stringify({ min: numbers(r.min), max: numbers(r.max) })}`,
      )
      .join(',\n');
  const { encoder, decoder, ...header } = calibration;
  const head = JSON.stringify(header, null, 1).slice(0, -2);
  return `${head},\n "encoder": {\n${ranges(encoder)}\n },\n "decoder": {\n${ranges(decoder)}\n }\n}\n`;
}

/** Parses a calibration file; every range value rounded to float32, as calibration computes it. */
export function parseCalibration(text: string): Calibration {
  const calibration = JSON.parse(text) as Calibration;
  for (const part of [calibration.encoder, calibration.decoder])
    for (const range of Object.values(part ?? {})) {
      range.min = range.min.map(Math.fround);
      range.max = range.max.map(Math.fround);
    }
  return calibration;
}

/** Where the ranges came from: the file shipped beside the manifest, the local cache, or a calibration pass just now. */
export type CalibrationSource = 'shipped' | 'cache' | 'calibrated';

export interface LoadCalibrationOptions extends CalibrationOptions {
  /** The model's shipped calibration (`models/<id>.calibration.json`); used only when its weights' sha256 match. */
  shippedPath?: string;
}

async function readMatching(
  path: string,
  weights: CalibrationWeights,
): Promise<Calibration | undefined> {
  let calibration: Calibration;
  try {
    calibration = parseCalibration(await readFile(path, 'utf8'));
  } catch {
    return undefined; // missing or unreadable
  }
  // Ranges calibrated for other weights would quantize these wrongly: never use them.
  return calibration.version === CALIBRATION_VERSION &&
    calibration.encoderSha256 === weights.encoderSha256 &&
    calibration.decoderSha256 === weights.decoderSha256
    ? calibration
    : undefined;
}

/**
 * The model's activation ranges: the shipped calibration when it was made for these weights, else
 * the cache, else calibrated now from the photos (and cached).
 */
export async function loadCalibration(
  model: string,
  weights: CalibrationWeights,
  options: LoadCalibrationOptions,
): Promise<{ calibration: Calibration; source: CalibrationSource }> {
  if (options.shippedPath) {
    const shipped = await readMatching(options.shippedPath, weights);
    if (shipped) return { calibration: shipped, source: 'shipped' };
  }
  const cachePath = options.cacheDir
    ? calibrationCachePath(options.cacheDir, model, weights.encoderSha256, weights.decoderSha256)
    : undefined;
  if (cachePath) {
    const cached = await readMatching(cachePath, weights);
    if (cached) return { calibration: cached, source: 'cache' };
  }
  options.onCalibrating?.();
  const calibration = await calibrate(model, weights, options);
  if (cachePath && options.cacheDir) {
    await mkdir(options.cacheDir, { recursive: true });
    const temporary = `${cachePath}.${process.pid}.tmp`;
    await writeFile(temporary, calibrationJson(calibration));
    await rename(temporary, cachePath);
  }
  return { calibration, source: 'calibrated' };
}

/** The shipped calibration file of a model: `<manifests folder>/<id>.calibration.json`. */
export function shippedCalibrationPath(manifestsDir: string, model: string): string {
  return join(manifestsDir, `${model}${CALIBRATION_SUFFIX}`);
}

/**
 * Calibrates a TAE model's int8 ranges from photos for the weights found at `locations` (the
 * `latent-lab models calibrate` command; write the result with `calibrationJson` to
 * `shippedCalibrationPath` to ship it).
 */
export async function calibrateModel(
  manifest: ModelManifest,
  locations: WeightLocations,
  options: { imagesDir: string; photos?: readonly string[]; intraOpThreads: number },
): Promise<Calibration> {
  if (manifest.kind !== 'tae')
    throw new EngineError(
      'INVALID_OPTION',
      `${manifest.id}: int8 calibration is for TAE models only`,
      'model',
    );
  const paths = await resolveWeights(manifest, locations);
  const [encoderBytes, decoderBytes] = await Promise.all([
    readFile(paths.encoder),
    readFile(paths.decoder),
  ]);
  return calibrate(
    manifest.id,
    {
      encoder: await readWeightFile(paths.encoder),
      decoder: await readWeightFile(paths.decoder),
      encoderSha256: sha256(encoderBytes),
      decoderSha256: sha256(decoderBytes),
    },
    options,
  );
}

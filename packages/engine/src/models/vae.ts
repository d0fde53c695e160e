import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { EngineError } from '../errors.ts';
import type { Tensor4 } from '../types.ts';
import { readWeightFile } from '../weights/index.ts';
import { createCpuSession } from './cpu-session.ts';
import { graphSkeleton } from './macs.ts';
import { getManifest, type ModelManifest } from './manifest.ts';
import { resolveWeights, type WeightLocations } from './locations.ts';
import {
  loadCalibration,
  sha256,
  shippedCalibrationPath,
  type CalibrationSource,
} from './calibration.ts';
import type { ActivationRanges } from './quantize.ts';
import { decodeModel, type GraphProto } from './onnx.ts';
import {
  choosePrecision,
  type CpuInt8Support,
  type Precision,
  type PrecisionSetting,
} from './precision.ts';
import {
  buildTaeSegments,
  buildTaePart,
  taeLatentChannels,
  type TaeBuildOptions,
  type TaeSegment,
} from './tae-graph.ts';
import { tiledRunner, wholeRunner, type HalfRunner, type Stage } from './tiled.ts';
import { measuredPrecision } from './auto-precision.ts';

export interface Vae {
  readonly manifest: ModelManifest;
  /** The arithmetic the graphs run in, and why it was chosen. */
  readonly precision: Precision;
  readonly precisionReason: string;
  /**
   * Where int8 activation ranges came from: the calibration shipped in models/ for these exact
   * weights, the local cache, or a calibration pass during this load; null for float32.
   */
  readonly calibrationSource: CalibrationSource | null;
  /** RGB in [0,1], NCHW, H and W multiples of the downscale factor -> latent (the mean for mean-logvar models). */
  encode(image: Tensor4): Promise<Tensor4>;
  /** Latent -> RGB mapped to [0,1], NOT clamped. */
  decode(latent: Tensor4): Promise<Tensor4>;
  /** Multiply-accumulates counted from the graphs' own Conv nodes. */
  macs(height: number, width: number): { encoder: number; decoder: number };
  /**
   * Makes the sessions frames of height x width run on now (a tiled half makes them on first use)
   * and runs each half once on a blank input of that size, so the first run of a warmed process
   * waits neither for the sessions nor for their arenas to grow.
   */
  prepare(height: number, width: number): Promise<void>;
  /** Releases the encoder's session (a run that has encoded its keyframes needs only the decoder). */
  releaseEncoder(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How the int8 TAE graphs are built, per half: the layers kept in float32 (mixed precision, by
 * layer index; a float32 layer's output is quantized only where an int8 layer reads it) and the
 * strength of the per-channel equalization. Chosen by measuring each layer's effect on int8 against
 * float32 on photos outside the calibration and the shared set (`npm run bench`, the engine
 * README's quality gate). Quantization noise at low resolution is upsampled into every pixel, so
 * the decoder runs its latent- and 1/4-resolution stages, the upsampling into the 1/2-resolution
 * stage and that stage's first block in float32 (about a quarter of its multiply-accumulates); the
 * encoder's full-resolution first block (its noise acts like input jitter, which flat regions
 * amplify) and its lowest-resolution stage down to the latent stay float32 (about half its work).
 * Grass at 512: 35.6 dB with the earlier recipe (float32 encoder 10-13, decoder 3-5, 7, 8, 12, each
 * output quantized), 41.6 with this one; a 512 decode 171-181 ms against 140-151 and an encode
 * 211-220 against 111-119 (2 threads, Zen 5).
 */
export const INT8_RECIPE: Record<
  'encoder' | 'decoder',
  { floatLayers: ReadonlySet<string>; equalization: number }
> = {
  encoder: { floatLayers: new Set(['0', '1', '10', '11', '12', '13', '14']), equalization: 0.25 },
  decoder: {
    floatLayers: new Set(['1', '3', '4', '5', '7', '8', '9', '10', '12', '13']),
    equalization: 0.5,
  },
};

export interface LoadVaeOptions {
  locations: WeightLocations;
  /** onnxruntime intra-op threads (default 1). */
  intraOpThreads?: number;
  /**
   * fp32 (default), int8, or auto: for models that pass the int8 quality gate, whichever of int8
   * and fp32 decodes faster on this CPU (timed once, kept), else fp32. int8 uses the calibration shipped as `models/<id>.calibration.json` when
   * it was made for these exact weights (sha256); other weights are calibrated once (about 15-60 s
   * on 2 cores) and cached.
   */
  precision?: PrecisionSetting;
  /** Where int8 activation ranges are cached, keyed by the weights' sha256 (default: `calibration/` in the models folder). */
  calibrationCacheDir?: string;
  /** Photos int8 activation ranges are calibrated from (default: `images/` beside the weights mirror). */
  calibrationImagesDir?: string;
  /** Called when int8 activation ranges are being calibrated (no cached calibration). */
  onCalibrating?: () => void;
  /** CPU capabilities for `auto` (default: read from /proc/cpuinfo). */
  cpu?: CpuInt8Support;
  /**
   * TAE models: side, in pixels of a stage's high-resolution side, of the tiles the decoder's
   * high-resolution stages run in, a frame that fits one tile running as one graph (default by
   * precision, `DEFAULT_DECODER_TILING`; the output is the same as untiled);
   * null: the decoder as one graph, untiled.
   */
  decoderTile?: number | null;
  /** The same for the encoder (`DEFAULT_ENCODER_TILING`). */
  encoderTile?: number | null;
}

/**
 * How a TAE half runs: frames up to `wholeUpTo` pixels a side as one graph, larger ones stage by
 * stage, each stage's high-resolution side in tiles of `tile` pixels.
 */
export interface Tiling {
  readonly tile: number;
  readonly wholeUpTo: number;
}

/**
 * The decoder's tiling by precision, measured on a Zen 5 VM (1 MB L2, 32 MB L3) with malloc's
 * blocks in huge pages (README, GLIBC_TUNABLES) and the sessions' arenas keeping their buffers
 * between runs. The whole graph is then flat per pixel (2 threads, against 256: fp32 1024 0.98x,
 * 2048 0.92x; int8 2048 0.97x), while stages pay for their cuts and the halo recomputed around each
 * tile (about 10% at fp32 2048 in 256-pixel tiles, 7% in 384). Tiles are there to bound the memory,
 * so a frame runs whole up to 1024 (fp32 1024, alternating processes, 2 threads: 1735-1923 ms whole
 * against 2095-2256 in 256-pixel tiles, 1 thread 3100-3364 against 3382-3696, for a peak of 1.32 GB
 * against 0.71; int8 1024 holds 0.61 GB whole) and in tiles above (2048, whole: fp32 4.6 GB, int8
 * 1.7 GB). fp32 tiles at 384 pixels, where the halo (ten pixels a side in the 1024-pixel stage)
 * costs less than at 256 for a little more memory: 2048 on 2 threads, five alternating processes,
 * 7442-8554 ms (median 7522, 1.12-1.15x of 256 per pixel) against 7750-8091 (median 7847, 1.10-
 * 1.23x) for a peak of 1.52-1.55 GB against 1.36-1.40; 512-pixel tiles were no faster than 384
 * (7364-7621 ms) for 2.1 GB, 448 neither (7459-8149 ms, 1.64 GB). int8 tiles at 512: 2324-2547 ms
 * at 2048 against 2581-2707 for 384-pixel tiles on 2 threads (the render threads' count) and
 * 4003-4263 against 4284-4480 on 1, for a peak of 1238-1255 MB against 876-894.
 */
export const DEFAULT_DECODER_TILING: Readonly<Record<Precision, Tiling>> = {
  fp32: { tile: 384, wholeUpTo: 1024 },
  int8: { tile: 512, wholeUpTo: 1024 },
};
/**
 * The encoder's tiling. Measured at 1024 (1 thread): untiled 5.3 s fp32 / 2.15 s int8, 256-pixel
 * tiles 6.4 / 2.11 s, 512-pixel 6.8 / 2.17 s: the encoder's halo (10 low-resolution pixels) costs
 * more than cache locality saves, so it tiles only above 1024, to bound its memory.
 */
export const DEFAULT_ENCODER_TILING: Tiling = { tile: 1024, wholeUpTo: 1024 };

/** A tile option checked: a side of at least 8 pixels, null (untiled) or undefined (the default). */
function tileOption(tile: number | null | undefined, name: string): number | null | undefined {
  if (tile !== null && tile !== undefined && (!Number.isInteger(tile) || tile < 8))
    throw new EngineError(
      'INVALID_OPTION',
      `${name} must be an integer of at least 8 pixels or null, got ${tile}`,
      name,
    );
  return tile;
}

interface Half {
  session: ort.InferenceSession;
  skeleton: GraphProto;
  input: string;
  output: string;
}

/** Affine map of every element from range `from` to range `to`; a copy. */
function mapRange(
  data: Float32Array,
  from: readonly [number, number],
  to: readonly [number, number],
): Float32Array {
  const scale = (to[1] - to[0]) / (from[1] - from[0]);
  const offset = to[0] - from[0] * scale;
  if (scale === 1 && offset === 0) return data;
  return data.map((v) => v * scale + offset);
}

function checkTensor(tensor: Tensor4, what: string, channels: number, multiple: number): void {
  const code = what === 'image' ? 'INVALID_IMAGE' : 'INVALID_OPTION';
  const [n, c, h, w] = tensor.shape;
  if (
    ![n, c, h, w].every((d) => Number.isInteger(d) && d > 0) ||
    tensor.data.length !== n * c * h * w
  ) {
    throw new EngineError(
      code,
      `${what}: shape [${tensor.shape.join(', ')}] does not match ${tensor.data.length} values`,
      what,
    );
  }
  if (c !== channels)
    throw new EngineError(code, `${what}: expected ${channels} channels, got ${c}`, what);
  if (h % multiple !== 0 || w % multiple !== 0) {
    throw new EngineError(
      code,
      `${what}: height and width must be multiples of ${multiple}, got ${h}x${w}`,
      what,
    );
  }
}

function asTensor4(data: Float32Array, shape: number[], what: string): Tensor4 {
  if (shape.length !== 4)
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `${what} has ${shape.length} dimensions, expected 4`,
    );
  return { data, shape: shape as [number, number, number, number] };
}

/** The first `channels` channels of every batch item (the mean of a mean/log-variance pair). */
function leadingChannels(tensor: Tensor4, channels: number): Tensor4 {
  const [n, c, h, w] = tensor.shape;
  const plane = h * w;
  const data = new Float32Array(n * channels * plane);
  for (let b = 0; b < n; b++)
    data.set(tensor.data.subarray(b * c * plane, (b * c + channels) * plane), b * channels * plane);
  return { data, shape: [n, channels, h, w] };
}

class OrtVae implements Vae {
  private encoderReleased = false;
  readonly manifest: ModelManifest;
  private readonly encoder: HalfRunner;
  private readonly decoder: HalfRunner;
  readonly precision: Precision;
  readonly precisionReason: string;
  readonly calibrationSource: CalibrationSource | null;

  constructor(
    manifest: ModelManifest,
    encoder: HalfRunner,
    decoder: HalfRunner,
    precision: Precision,
    precisionReason: string,
    calibrationSource: CalibrationSource | null = null,
  ) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.decoder = decoder;
    this.precision = precision;
    this.precisionReason = precisionReason;
    this.calibrationSource = calibrationSource;
  }

  async encode(image: Tensor4): Promise<Tensor4> {
    checkTensor(image, 'image', 3, this.manifest.downscale);
    if (this.encoderReleased)
      throw new EngineError('INVALID_OPTION', `${this.manifest.id}: the encoder was released`);
    const input = mapRange(image.data, [0, 1], this.manifest.encoderInputRange);
    const result = await this.encoder.run({ data: input, shape: image.shape });
    const latent = asTensor4(result.data as Float32Array, [...result.shape], 'encoder output');
    const channels = this.manifest.latentChannels;
    const expected = this.manifest.encoderOutput === 'mean-logvar' ? 2 * channels : channels;
    if (latent.shape[1] !== expected) {
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `${this.manifest.id}: encoder emitted ${latent.shape[1]} channels, the manifest implies ${expected}`,
      );
    }
    return this.manifest.encoderOutput === 'mean-logvar'
      ? leadingChannels(latent, channels)
      : latent;
  }

  async decode(latent: Tensor4): Promise<Tensor4> {
    checkTensor(latent, 'latent', this.manifest.latentChannels, 1);
    const result = await this.decoder.run(latent);
    return asTensor4(
      mapRange(result.data as Float32Array, this.manifest.decoderOutputRange, [0, 1]),
      [...result.shape],
      'decoder output',
    );
  }

  macs(height: number, width: number): { encoder: number; decoder: number } {
    const factor = this.manifest.downscale;
    return {
      encoder: this.encoder.macs(height, width),
      decoder: this.decoder.macs(height / factor, width / factor),
    };
  }

  async prepare(height: number, width: number): Promise<void> {
    const factor = this.manifest.downscale;
    const [latentHeight, latentWidth] = [height / factor, width / factor];
    await Promise.all([
      this.encoderReleased ? undefined : this.encoder.prepare(height, width),
      this.decoder.prepare(latentHeight, latentWidth),
    ]);
    // A session's first run allocates every buffer and faults its pages in (512x512 int8 decode on
    // 2 threads: 340 ms first, 150-165 ms after); blank inputs pay that here.
    if (!this.encoderReleased)
      await this.encode({
        data: new Float32Array(3 * height * width),
        shape: [1, 3, height, width],
      });
    const channels = this.manifest.latentChannels;
    await this.decode({
      data: new Float32Array(channels * latentHeight * latentWidth),
      shape: [1, channels, latentHeight, latentWidth],
    });
  }

  async releaseEncoder(): Promise<void> {
    if (this.encoderReleased) return;
    this.encoderReleased = true;
    await this.encoder.release();
  }

  async close(): Promise<void> {
    await Promise.all([this.releaseEncoder(), this.decoder.release()]);
  }
}

async function createHalf(
  model: Uint8Array,
  input: string,
  output: string,
  threads: number,
): Promise<Half> {
  const session = await createCpuSession(model, threads);
  const graph = decodeModel(model).graph ?? {};
  for (const [name, names] of [
    [input, session.inputNames],
    [output, session.outputNames],
  ] as const) {
    if (!names.includes(name)) {
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `ONNX model has no tensor "${name}" (it has ${names.join(', ')}); fix the manifest's onnx names`,
      );
    }
  }
  return { session, skeleton: graphSkeleton(graph), input, output };
}

/** A whole graph as one stage (never tiled). */
function wholeStage(half: Half): Stage {
  return { ...half, scale: 1, halo: null, inputType: 'float32', outputType: 'float32' };
}

/** A TAE half as resolution stages, each its own session (see `buildTaeSegments`). */
async function createStages(segments: readonly TaeSegment[], threads: number): Promise<Stage[]> {
  return Promise.all(
    segments.map(async ({ model, ...segment }) => ({
      ...(await createHalf(model, segment.input, segment.output, threads)),
      ...segment,
    })),
  );
}

/** How a TAE half is built for a precision (int8: calibrated ranges and `INT8_RECIPE`). */
function buildOptions(
  precision: Precision,
  ranges: ActivationRanges | undefined,
  part: 'encoder' | 'decoder',
): TaeBuildOptions {
  return {
    mode:
      precision === 'int8' && ranges
        ? { kind: 'int8', ranges, ...INT8_RECIPE[part] }
        : { kind: 'float' },
  };
}

/** Builds a VAE from an already parsed manifest (loadVae looks the manifest up by id). */
export async function openVae(manifest: ModelManifest, options: LoadVaeOptions): Promise<Vae> {
  const threads = options.intraOpThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new EngineError(
      'INVALID_OPTION',
      `intraOpThreads must be a positive integer, got ${threads}`,
      'intraOpThreads',
    );
  }
  const tiles = {
    encoder: tileOption(options.encoderTile, 'encoderTile'),
    decoder: tileOption(options.decoderTile, 'decoderTile'),
  };
  /** A half's tiling at a precision: the tile option given (up to one tile whole), or the default. */
  const tilingOf = (part: 'encoder' | 'decoder', p: Precision): Tiling | null => {
    const tile = tiles[part];
    if (tile === null) return null;
    if (tile !== undefined) return { tile, wholeUpTo: tile };
    return part === 'encoder' ? DEFAULT_ENCODER_TILING : DEFAULT_DECODER_TILING[p];
  };
  const setting = options.precision ?? 'fp32';
  const choice = choosePrecision(setting, manifest, options.cpu);
  const locations = options.locations;
  const paths = await resolveWeights(manifest, locations);
  if (manifest.kind === 'tae') {
    const [encoderBytes, decoderBytes] = await Promise.all([
      readFile(paths.encoder),
      readFile(paths.decoder),
    ]);
    const encoderWeights = await readWeightFile(paths.encoder);
    const decoderWeights = await readWeightFile(paths.decoder);
    const latentChannels = taeLatentChannels(encoderWeights, decoderWeights);
    if (latentChannels !== manifest.latentChannels) {
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `${manifest.id}: the weights have ${latentChannels} latent channels, the manifest says ${manifest.latentChannels}`,
      );
    }
    let precision = choice.precision;
    let reason = choice.reason;
    let ranges: Record<'encoder' | 'decoder', ActivationRanges> | undefined;
    let calibrationSource: CalibrationSource | null = null;
    if (precision === 'int8') {
      const imagesDir =
        options.calibrationImagesDir ??
        (locations.mirrorDir ? join(dirname(locations.mirrorDir), 'images') : undefined);
      try {
        const loaded = await loadCalibration(
          manifest.id,
          {
            encoder: encoderWeights,
            decoder: decoderWeights,
            encoderSha256: sha256(encoderBytes),
            decoderSha256: sha256(decoderBytes),
          },
          {
            shippedPath: shippedCalibrationPath(locations.manifestsDir, manifest.id),
            imagesDir,
            cacheDir: options.calibrationCacheDir ?? join(locations.modelsDir, 'calibration'),
            intraOpThreads: threads,
            onCalibrating: options.onCalibrating,
          },
        );
        calibrationSource = loaded.source;
        const calibration = loaded.calibration;
        ranges = { encoder: calibration.encoder, decoder: calibration.decoder };
      } catch (error) {
        // auto falls back to float32 when calibration is impossible; an explicit int8 fails.
        if (setting !== 'auto') throw error;
        precision = 'fp32';
        calibrationSource = null;
        reason = `auto: int8 calibration unavailable (${(error as Error).message})`;
      }
    }
    const weightsOf = (part: 'encoder' | 'decoder') =>
      part === 'encoder' ? encoderWeights : decoderWeights;
    /** A half in precision `p`: one whole graph, and resolution stages run in tiles when it has a tile. */
    const halfFor = async (part: 'encoder' | 'decoder', p: Precision): Promise<HalfRunner> => {
      const options = buildOptions(p, ranges?.[part], part);
      const { model } = buildTaePart(weightsOf(part), part, options);
      const [input, output] = part === 'encoder' ? ['image', 'latent'] : ['latent', 'image'];
      const createWhole = () =>
        createHalf(model, input, output, threads).then((half) => wholeStage(half));
      const tiling = tilingOf(part, p);
      if (tiling === null) return wholeRunner(await createWhole());
      const skeleton = graphSkeleton(decodeModel(model).graph ?? {});
      const imageScale = part === 'encoder' ? 1 : manifest.downscale;
      return tiledRunner(
        { skeleton, create: createWhole },
        () => createStages(buildTaeSegments(weightsOf(part), part, options), threads),
        { ...tiling, imageScale },
      );
    };
    if (setting === 'auto' && precision === 'int8') {
      const measured = await measuredPrecision(
        {
          model: manifest.id,
          decoderSha256: sha256(decoderBytes),
          threads,
          // fp32's tile, as when both precisions had one: a 256x256 frame runs whole in either.
          tile: tilingOf('decoder', 'fp32')?.tile ?? null,
          int8Recipe: `float ${[...INT8_RECIPE.decoder.floatLayers].join(',')}`,
        },
        options.calibrationCacheDir ?? join(locations.modelsDir, 'calibration'),
        latentChannels,
        (p) => halfFor('decoder', p),
      );
      const { fp32Ms, int8Ms } = measured.measurement;
      precision = measured.precision;
      if (precision === 'fp32') calibrationSource = null;
      reason =
        `auto: ${precision} decodes faster on this CPU (${measured.measuredNow ? 'measured now' : 'measured before'}: ` +
        `int8 ${int8Ms.toFixed(1)} ms, fp32 ${fp32Ms.toFixed(1)} ms a 256x256 frame, ${threads} thread(s)); ${choice.reason}`;
    }
    const [encoder, decoder] = await Promise.all([
      halfFor('encoder', precision),
      halfFor('decoder', precision),
    ]);
    return new OrtVae(manifest, encoder, decoder, precision, reason, calibrationSource);
  }
  const names = manifest.onnx;
  if (!names)
    throw new EngineError(
      'INVALID_MANIFEST',
      `${manifest.id}: an onnx-pair model needs "onnx" tensor names`,
      'onnx',
    );
  return new OrtVae(
    manifest,
    wholeRunner(
      wholeStage(
        await createHalf(
          new Uint8Array(await readFile(paths.encoder)),
          names.encoder.input,
          names.encoder.output,
          threads,
        ),
      ),
    ),
    wholeRunner(
      wholeStage(
        await createHalf(
          new Uint8Array(await readFile(paths.decoder)),
          names.decoder.input,
          names.decoder.output,
          threads,
        ),
      ),
    ),
    choice.precision,
    choice.reason,
  );
}

export async function loadVae(id: string, options: LoadVaeOptions): Promise<Vae> {
  return openVae(await getManifest(id, options.locations.manifestsDir), options);
}

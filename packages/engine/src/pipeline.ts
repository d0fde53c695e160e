import type { RunMetrics, RunParams } from '@latent-lab/domain';
import { EngineError } from './errors.ts';
import {
  DEFAULT_IMAGE_LIMITS,
  imageToTensor,
  tensorToRgb8,
  type ImageLimits,
} from './image/index.ts';
import { framePositions, interpolatePath } from './interpolate/index.ts';
import {
  loadVae,
  type Precision,
  type PrecisionSetting,
  type Vae,
  type WeightLocations,
} from './models/index.ts';
import { applyNoise } from './noise/index.ts';
import { RunMeter } from './run-meter.ts';
import type { Tensor4 } from './types.ts';

/** An input image, identified by its content hash; bytes are read only when no cached latent exists. */
export interface KeyframeSource {
  readonly sha256: string;
  read(): Promise<Uint8Array>;
}

/**
 * What the engine renders: the run's parameters, already validated by the domain schema when the
 * run was created (the engine trusts them), with keyframes as readable sources.
 */
export type RunSpec = Omit<RunParams, 'keyframes' | 'precision' | 'animation'> & {
  /** Default: the engine's own precision option. */
  readonly precision?: PrecisionSetting;
  readonly keyframes: readonly KeyframeSource[];
  /** Keeps cached latents apart (a workspace): equal images in two scopes are encoded twice. */
  readonly cacheScope?: string;
};

/**
 * The engine's view of stored run parameters: keyframe references become readable sources. Every
 * other parameter passes through whole, so a new option reaches the engine without a change here.
 */
export function renderSpec(
  params: RunParams,
  keyframes: readonly KeyframeSource[],
  cacheScope?: string,
): RunSpec {
  const { keyframes: _references, animation: _animation, ...options } = params;
  return { ...options, keyframes, cacheScope };
}

export interface RenderedFrame {
  readonly index: number;
  /** Position along the whole keyframe path, after easing: 0 is the first keyframe, 1 the last. */
  readonly alpha: number;
  /** Standard deviation of the noise added to this frame, in latent units. */
  readonly noiseLevel: number;
  /** Decoded RGB in [0,1], not clamped. */
  readonly rgb: Tensor4;
  readonly decodeMs: number;
}

/** A run's frames as stored, all of them, in index order: what its metrics are measured from. */
export interface StoredFrames {
  /** Each frame's position and its change from the previous frame (null for frame 0). */
  readonly frames: readonly { readonly alpha: number; readonly change: number | null }[];
  /** The stored 8-bit RGB pixels (HWC) of frame `index`. */
  pixels(index: number): Promise<Uint8Array>;
}

/** Where encoded keyframe latents are kept between runs; the key covers image, model, size and fit. */
export interface LatentCache {
  get(key: string): Promise<Tensor4 | undefined>;
  set(key: string, latent: Tensor4): Promise<void>;
}

export interface EngineOptions {
  /** Where manifests and weights are found: the app's configuration decides, never the engine. */
  readonly locations: WeightLocations;
  readonly intraOpThreads?: number;
  readonly latentCache?: LatentCache;
  readonly imageLimits?: ImageLimits;
  /** fp32 (default), int8 or auto: see `loadVae`. The CLI defaults to auto. */
  readonly precision?: PrecisionSetting;
  /** Where int8 calibrations are cached (default: `calibration/` in the models folder). */
  readonly calibrationCacheDir?: string;
  /** Photos int8 calibrates from (default: `images/` beside the weights mirror). */
  readonly calibrationImagesDir?: string;
  /** Called when a model's int8 activation ranges are calibrated (once per weights, cached). */
  readonly onCalibrating?: (model: string) => void;
}

export interface EngineStats {
  encoderCalls: number;
  decoderCalls: number;
  encodeMs: number;
  decodeMs: number;
}

function invalid(field: string, message: string): EngineError {
  return new EngineError('INVALID_OPTION', message, field);
}

/**
 * The latent cache key: keeps workspaces (cacheScope) apart, and int8 encoders give other latents
 * than fp32, so their keys differ too.
 */
export function latentCacheKey(
  sha256: string,
  spec: Pick<RunSpec, 'model' | 'width' | 'height' | 'fit' | 'cacheScope'>,
  precision: Precision = 'fp32',
): string {
  const suffix = precision === 'fp32' ? '' : `-${precision}`;
  const key = `${spec.model}/${spec.width}x${spec.height}-${spec.fit}${suffix}/${sha256}`;
  return spec.cacheScope ? `${spec.cacheScope}/${key}` : key;
}

/**
 * Runs interpolations: loads each model once, encodes each keyframe once (through the latent
 * cache), and yields decoded frames one at a time so callers can store and publish them as they
 * arrive. Every frame depends only on the spec and its index, so a run can resume at any frame.
 */
export class Engine {
  readonly stats: EngineStats = { encoderCalls: 0, decoderCalls: 0, encodeMs: 0, decodeMs: 0 };
  private readonly vaes = new Map<string, Promise<Vae>>();
  private readonly imageLimits: ImageLimits;
  private readonly options: EngineOptions;

  constructor(options: EngineOptions) {
    this.options = options;
    this.imageLimits = options.imageLimits ?? DEFAULT_IMAGE_LIMITS;
  }

  /** The model at a precision (default the engine's), loaded once and kept. */
  vae(model: string, precision = this.options.precision ?? 'fp32'): Promise<Vae> {
    const key = `${model}/${precision}`;
    let vae = this.vaes.get(key);
    if (!vae) {
      vae = loadVae(model, {
        locations: this.options.locations,
        intraOpThreads: this.options.intraOpThreads,
        precision,
        calibrationCacheDir: this.options.calibrationCacheDir,
        calibrationImagesDir: this.options.calibrationImagesDir,
        onCalibrating: () => this.options.onCalibrating?.(model),
      });
      // A failed load (missing weights) must not poison later attempts.
      vae.catch(() => this.vaes.delete(key));
      this.vaes.set(key, vae);
    }
    return vae;
  }

  /**
   * Decodes the run's frames from `fromFrame` on. A `meter` (from `meter(spec)`, for a render from
   * frame 0) is given the keyframe latents here; the caller feeds it each frame.
   */
  async *render(
    spec: RunSpec,
    options: { fromFrame?: number; signal?: AbortSignal; meter?: RunMeter } = {},
  ): AsyncGenerator<RenderedFrame> {
    const fromFrame = options.fromFrame ?? 0;
    if (!Number.isInteger(fromFrame) || fromFrame < 0 || fromFrame > spec.steps) {
      throw invalid('fromFrame', `fromFrame must be an integer from 0 to ${spec.steps}`);
    }
    if (options.meter && fromFrame !== 0)
      throw invalid('fromFrame', 'a render is measured as it goes only from frame 0');
    if (fromFrame === spec.steps) return;
    // Checked before any work, as the whole path is built only after frame 0.
    framePositions(spec.steps, spec.easing);
    if (spec.keyframes.length < 2)
      throw invalid('keyframes', `a path needs at least 2 keyframes, got ${spec.keyframes.length}`);
    const vae = await this.vae(spec.model, spec.precision);
    const { signal } = options;
    const keyframes: Tensor4[] = [];
    let index = fromFrame;
    // Frame 0 is keyframe 0 itself (every easing gives 0 at 0, and arc-length spacing keeps 0 at
    // 0), so it is decoded as soon as that keyframe is encoded, before the others' encoding.
    if (index === 0) {
      keyframes.push(await this.keyframeLatent(vae, spec, spec.keyframes[0]!, signal));
      yield await this.frame(vae, spec, keyframes[0]!, index++, 0, signal);
    }
    for (const source of spec.keyframes.slice(keyframes.length))
      keyframes.push(await this.keyframeLatent(vae, spec, source, signal));
    const latents = keyframes.map((k) => k.data);
    options.meter?.setLatents(latents);
    const positions = framePositions(spec.steps, spec.easing, spec.spacing, {
      at: (position) => interpolatePath(latents, position, spec.method),
      segments: latents.length - 1,
    });
    for (; index < spec.steps; index++) {
      const alpha = positions[index]!;
      const clean = interpolatePath(latents, alpha, spec.method);
      yield await this.frame(
        vae,
        spec,
        { data: clean, shape: keyframes[0]!.shape },
        index,
        alpha,
        signal,
      );
    }
  }

  /** Frame `index`: the clean latent at its position plus that frame's noise, decoded. */
  private async frame(
    vae: Vae,
    spec: RunSpec,
    clean: Tensor4,
    index: number,
    alpha: number,
    signal: AbortSignal | undefined,
  ): Promise<RenderedFrame> {
    signal?.throwIfAborted();
    const noisy = applyNoise(clean.data, { ...spec.noise, seed: spec.seed }, index, spec.steps);
    const started = performance.now();
    const rgb = await vae.decode({ data: noisy.latent, shape: clean.shape });
    const decodeMs = performance.now() - started;
    this.stats.decoderCalls++;
    this.stats.decodeMs += decodeMs;
    return { index, alpha, noiseLevel: noisy.level, rgb, decodeMs };
  }

  /**
   * Gathers a run's metrics frame by frame (see RunMeter); keyframe inputs are read and resized as
   * for encoding.
   */
  meter(spec: RunSpec): RunMeter {
    return new RunMeter(
      { steps: spec.steps, method: spec.method, keyframes: spec.keyframes.length },
      async (k) => tensorToRgb8(await this.keyframeInput(spec, spec.keyframes[k]!)),
    );
  }

  /**
   * The metrics of a finished run, from its stored frames alone, so a run rendered in pieces (resumed
   * after a worker stopped) measures exactly as one measured while it rendered. Latents come through
   * the latent cache, and only the frames nearest the keyframes are read.
   */
  async measure(spec: RunSpec, stored: StoredFrames): Promise<RunMetrics> {
    const { frames } = stored;
    if (frames.length !== spec.steps) {
      throw invalid('frames', `a run of ${spec.steps} steps has ${frames.length} stored frames`);
    }
    const meter = this.meter(spec);
    const vae = await this.vae(spec.model, spec.precision);
    meter.setLatents((await this.keyframeLatents(vae, spec, undefined)).map((k) => k.data));
    for (const [index, { alpha, change }] of frames.entries())
      meter.frame(index, alpha, change, () => stored.pixels(index));
    return meter.result();
  }

  async close(): Promise<void> {
    const loaded = await Promise.allSettled(this.vaes.values());
    this.vaes.clear();
    await Promise.all(
      loaded.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
  }

  private async keyframeLatents(
    vae: Vae,
    spec: RunSpec,
    signal: AbortSignal | undefined,
  ): Promise<Tensor4[]> {
    const latents: Tensor4[] = [];
    // Sequential on purpose: onnxruntime already uses the cores for one encode.
    for (const source of spec.keyframes)
      latents.push(await this.keyframeLatent(vae, spec, source, signal));
    return latents;
  }

  /** A keyframe's latent, from the latent cache or encoded (and then cached). */
  private async keyframeLatent(
    vae: Vae,
    spec: RunSpec,
    source: KeyframeSource,
    signal: AbortSignal | undefined,
  ): Promise<Tensor4> {
    signal?.throwIfAborted();
    const key = latentCacheKey(source.sha256, spec, vae.precision);
    const cached = await this.options.latentCache?.get(key);
    if (cached) return cached;
    const image = await this.keyframeInput(spec, source);
    const started = performance.now();
    const latent = await vae.encode(image);
    this.stats.encodeMs += performance.now() - started;
    this.stats.encoderCalls++;
    await this.options.latentCache?.set(key, latent);
    return latent;
  }

  /** A keyframe's image read and resized to the run's frame size: the encoder's input. */
  private async keyframeInput(spec: RunSpec, source: KeyframeSource): Promise<Tensor4> {
    return imageToTensor(
      await source.read(),
      { width: spec.width, height: spec.height },
      spec.fit,
      this.imageLimits,
    );
  }
}

import { EngineError } from './errors.ts';
import {
  DEFAULT_IMAGE_LIMITS,
  imageToTensor,
  validateSize,
  type ImageLimits,
} from './image/index.ts';
import { framePositions, interpolatePath } from './interpolate/index.ts';
import {
  getManifest,
  loadVae,
  defaultWeightLocations,
  type Precision,
  type PrecisionSetting,
  type Vae,
  type WeightLocations,
} from './models/index.ts';
import { applyNoise, validateNoise } from './noise/index.ts';
import type { Easing, FitMode, InterpolationMethod, NoiseOptions, Tensor4 } from './types.ts';

/** An input image, identified by its content hash; bytes are read only when no cached latent exists. */
export interface KeyframeSource {
  readonly sha256: string;
  read(): Promise<Uint8Array>;
}

export interface RunSpec {
  readonly model: string;
  readonly keyframes: readonly KeyframeSource[];
  readonly steps: number;
  readonly method: InterpolationMethod;
  readonly easing: Easing;
  readonly width: number;
  readonly height: number;
  readonly fit: FitMode;
  readonly noise: NoiseOptions;
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

/** Where encoded keyframe latents are kept between runs; the key covers image, model, size and fit. */
export interface LatentCache {
  get(key: string): Promise<Tensor4 | undefined>;
  set(key: string, latent: Tensor4): Promise<void>;
}

export interface RunLimits {
  readonly maxSteps: number;
  readonly maxSide: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxSteps: 1000, maxSide: 2048 };
export const MIN_STEPS = 2;

export interface EngineOptions {
  readonly locations?: WeightLocations;
  readonly intraOpThreads?: number;
  readonly latentCache?: LatentCache;
  readonly imageLimits?: ImageLimits;
  readonly runLimits?: RunLimits;
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

const METHODS: readonly InterpolationMethod[] = ['lerp', 'slerp'];
const EASINGS: readonly Easing[] = ['linear', 'ease-in', 'ease-out', 'ease-in-out', 'smoothstep'];
const FITS: readonly FitMode[] = ['cover', 'contain', 'fill'];

function invalid(field: string, message: string): EngineError {
  return new EngineError('INVALID_OPTION', message, field);
}

function oneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw invalid(field, `${field} must be one of ${allowed.join(', ')} (got "${String(value)}")`);
  }
}

/** Checks every field of a run before any work starts; the error names the field. */
export async function validateRunSpec(
  spec: RunSpec,
  limits: RunLimits = DEFAULT_RUN_LIMITS,
): Promise<void> {
  await getManifest(spec.model);
  if (spec.keyframes.length < 2) {
    throw invalid(
      'keyframes',
      `a run needs at least 2 keyframe images (got ${spec.keyframes.length})`,
    );
  }
  if (!Number.isInteger(spec.steps) || spec.steps < MIN_STEPS || spec.steps > limits.maxSteps) {
    throw invalid(
      'steps',
      `steps must be an integer from ${MIN_STEPS} to ${limits.maxSteps} (got ${spec.steps})`,
    );
  }
  oneOf('method', spec.method, METHODS);
  oneOf('easing', spec.easing, EASINGS);
  oneOf('fit', spec.fit, FITS);
  validateSize({ width: spec.width, height: spec.height }, limits.maxSide);
  validateNoise(spec.noise);
}

/** The latent cache key; int8 encoders give other latents than fp32, so their keys differ. */
export function latentCacheKey(
  sha256: string,
  spec: Pick<RunSpec, 'model' | 'width' | 'height' | 'fit'>,
  precision: Precision = 'fp32',
): string {
  const suffix = precision === 'fp32' ? '' : `-${precision}`;
  return `${spec.model}/${spec.width}x${spec.height}-${spec.fit}${suffix}/${sha256}`;
}

/**
 * Runs interpolations: loads each model once, encodes each keyframe once (through the latent
 * cache), and yields decoded frames one at a time so callers can store and publish them as they
 * arrive. Every frame depends only on the spec and its index, so a run can resume at any frame.
 */
export class Engine {
  readonly stats: EngineStats = { encoderCalls: 0, decoderCalls: 0, encodeMs: 0, decodeMs: 0 };
  private readonly vaes = new Map<string, Promise<Vae>>();
  private readonly locations: WeightLocations;
  private readonly imageLimits: ImageLimits;
  private readonly runLimits: RunLimits;

  constructor(private readonly options: EngineOptions = {}) {
    this.locations = options.locations ?? defaultWeightLocations();
    this.imageLimits = options.imageLimits ?? DEFAULT_IMAGE_LIMITS;
    this.runLimits = options.runLimits ?? DEFAULT_RUN_LIMITS;
  }

  vae(model: string): Promise<Vae> {
    let vae = this.vaes.get(model);
    if (!vae) {
      vae = loadVae(model, {
        locations: this.locations,
        intraOpThreads: this.options.intraOpThreads,
        precision: this.options.precision,
        calibrationCacheDir: this.options.calibrationCacheDir,
        calibrationImagesDir: this.options.calibrationImagesDir,
        onCalibrating: () => this.options.onCalibrating?.(model),
      });
      // A failed load (missing weights) must not poison later attempts.
      vae.catch(() => this.vaes.delete(model));
      this.vaes.set(model, vae);
    }
    return vae;
  }

  async *render(
    spec: RunSpec,
    options: { fromFrame?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<RenderedFrame> {
    await validateRunSpec(spec, this.runLimits);
    const fromFrame = options.fromFrame ?? 0;
    if (!Number.isInteger(fromFrame) || fromFrame < 0 || fromFrame > spec.steps) {
      throw invalid('fromFrame', `fromFrame must be an integer from 0 to ${spec.steps}`);
    }
    if (fromFrame === spec.steps) return;
    const vae = await this.vae(spec.model);
    const keyframes = await this.keyframeLatents(vae, spec, options.signal);
    const shape = keyframes[0]!.shape;
    const latents = keyframes.map((k) => k.data);
    const positions = framePositions(spec.steps, spec.easing);
    for (let index = fromFrame; index < spec.steps; index++) {
      options.signal?.throwIfAborted();
      const alpha = positions[index]!;
      const clean = interpolatePath(latents, alpha, spec.method);
      const noisy = applyNoise(clean, spec.noise, index, spec.steps);
      const started = performance.now();
      const rgb = await vae.decode({ data: noisy.latent, shape });
      const decodeMs = performance.now() - started;
      this.stats.decoderCalls++;
      this.stats.decodeMs += decodeMs;
      yield { index, alpha, noiseLevel: noisy.level, rgb, decodeMs };
    }
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
    for (const source of spec.keyframes) {
      signal?.throwIfAborted();
      const key = latentCacheKey(source.sha256, spec, vae.precision);
      let latent = await this.options.latentCache?.get(key);
      if (!latent) {
        const image = await imageToTensor(
          await source.read(),
          { width: spec.width, height: spec.height },
          spec.fit,
          this.imageLimits,
        );
        const started = performance.now();
        latent = await vae.encode(image);
        this.stats.encodeMs += performance.now() - started;
        this.stats.encoderCalls++;
        await this.options.latentCache?.set(key, latent);
      }
      latents.push(latent);
    }
    return latents;
  }
}

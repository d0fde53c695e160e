import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadModelLocations } from '@latent-lab/config';
import {
  parseRunParams,
  type Easing,
  type FitMode,
  type FrameFormat,
  type InterpolationMethod,
  type NoiseMode,
  type NoiseSchedule,
} from '@latent-lab/domain';
import {
  BlobLatentCache,
  contactSheet,
  encodeAnimation,
  Engine,
  EngineError,
  inspectImage,
  parseSize,
  renderSpec,
  tensorToImage,
  type ImageLimits,
  type KeyframeSource,
  type RenderedFrame,
} from '@latent-lab/engine';
import { LocalStorage } from '@latent-lab/storage';
import { downloadProgress, progressBar } from './progress.ts';

export interface InterpolateOptions {
  images: string[];
  steps: number;
  method: InterpolationMethod;
  easing: Easing;
  noise: number;
  noiseMode: NoiseMode;
  schedule: NoiseSchedule;
  sharedNoise: boolean;
  seed: number;
  size: string;
  fit: FitMode;
  model: string;
  format: FrameFormat;
  fps: number;
  pingPong: boolean;
  out: string;
  threads: number;
  maxInputPixels: number;
  maxSteps: number;
  maxSide: number;
  maxNoise: number;
  cacheDir: string;
  cache: boolean;
}

/** Reads and checks one input up front, so a bad file is reported by name before any work starts. */
async function readKeyframe(path: string, limits: ImageLimits): Promise<KeyframeSource> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new EngineError(
      'INVALID_IMAGE',
      `cannot read ${path}: ${(error as Error).message}`,
      'images',
    );
  }
  try {
    await inspectImage(bytes, limits);
  } catch (error) {
    if (error instanceof EngineError) {
      throw new EngineError(error.code, `${path}: ${error.message}`, 'images');
    }
    throw error;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { sha256, read: async () => bytes };
}

function frameName(index: number, format: FrameFormat): string {
  return `frame-${String(index).padStart(4, '0')}.${format}`;
}

export async function interpolate(options: InterpolateOptions): Promise<void> {
  const imageLimits: ImageLimits = { maxInputPixels: options.maxInputPixels };
  const size = parseSize(options.size, options.maxSide);
  // The same schema as the API's: the CLI accepts exactly the runs the server does.
  const params = parseRunParams(
    {
      model: options.model,
      keyframes: options.images,
      steps: options.steps,
      method: options.method,
      easing: options.easing,
      width: size.width,
      height: size.height,
      fit: options.fit,
      noise: {
        level: options.noise,
        mode: options.noiseMode,
        schedule: options.schedule,
        shared: options.sharedNoise,
      },
      seed: options.seed,
      animation: { fps: options.fps, loop: options.pingPong ? 'ping-pong' : 'loop' },
    },
    { maxSteps: options.maxSteps, maxSide: options.maxSide, maxNoiseLevel: options.maxNoise },
  );
  // In argument order, so the first bad file is the one reported.
  const keyframes: KeyframeSource[] = [];
  for (const path of options.images) keyframes.push(await readKeyframe(path, imageLimits));
  const spec = renderSpec(params, keyframes);
  const engine = new Engine({
    intraOpThreads: options.threads,
    imageLimits,
    latentCache: options.cache
      ? new BlobLatentCache(new LocalStorage(options.cacheDir))
      : undefined,
    locations: { ...loadModelLocations(process.env), onDownloadProgress: downloadProgress() },
  });
  await mkdir(options.out, { recursive: true });

  const started = performance.now();
  await engine.vae(spec.model);
  const loadMs = performance.now() - started;
  const bar = progressBar('frames', 'frames');
  bar.start(spec.steps, 0);
  const frames: Omit<RenderedFrame, 'rgb'>[] = [];
  // Each frame is encoded and written while the next one decodes.
  const written: Promise<Buffer>[] = [];
  try {
    for await (const frame of engine.render(spec)) {
      const { rgb, ...timing } = frame;
      frames.push(timing);
      written.push(
        tensorToImage(rgb, options.format).then(async (bytes) => {
          await writeFile(join(options.out, frameName(frame.index, options.format)), bytes);
          return bytes;
        }),
      );
      bar.increment();
    }
  } finally {
    bar.stop();
  }
  const encoded = await Promise.all(written);
  const renderMs = performance.now() - started - loadMs;
  const [webp, gif, sheet] = await Promise.all([
    encodeAnimation(encoded, 'webp', params.animation),
    encodeAnimation(encoded, 'gif', params.animation),
    contactSheet(encoded),
  ]);
  await Promise.all([
    writeFile(join(options.out, 'animation.webp'), webp),
    writeFile(join(options.out, 'animation.gif'), gif),
    writeFile(join(options.out, 'contact-sheet.png'), sheet),
  ]);
  const wallMs = performance.now() - started;
  const outputsMs = wallMs - loadMs - renderMs;
  const report = {
    images: options.images.map((path, i) => ({
      path,
      name: basename(path),
      sha256: keyframes[i]!.sha256,
    })),
    model: spec.model,
    steps: spec.steps,
    method: spec.method,
    easing: spec.easing,
    size: `${spec.width}x${spec.height}`,
    fit: spec.fit,
    noise: { ...spec.noise, seed: spec.seed },
    animation: params.animation,
    format: options.format,
    // renderMs: encoding keyframes, decoding and writing frames; outputsMs: animations and contact sheet.
    timings: { ...engine.stats, loadMs, renderMs, outputsMs, wallMs },
    frames: frames.map(({ index, alpha, noiseLevel, decodeMs }) => ({
      file: frameName(index, options.format),
      index,
      alpha,
      noiseLevel,
      decodeMs,
    })),
  };
  await writeFile(join(options.out, 'run.json'), `${JSON.stringify(report, null, 2)}\n`);
  await engine.close();
  process.stdout.write(
    `wrote ${spec.steps} frames, animation.webp, animation.gif and contact-sheet.png to ${options.out} ` +
      `(seed ${spec.seed}, ${(wallMs / 1000).toFixed(1)} s, ${engine.stats.encoderCalls} encoder calls)\n`,
  );
}

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelLocations } from '@latent-lab/config';
import {
  parseRunParams,
  TOP_LEVEL_OPTIONS,
  optionField,
  type FrameFormat,
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
import { LocalStorage } from '@latent-lab/storage/local';
import { downloadProgress, progressBar } from './progress.ts';

export interface InterpolateOptions {
  images: string[];
  /** The run options given by their own flags, nested as in RunParams (see RUN_OPTIONS). */
  params: Record<string, unknown>;
  size: string;
  model: string;
  format: FrameFormat;
  webp: boolean;
  gif: boolean;
  contactSheet: boolean;
  animations: boolean;
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
  locations: ModelLocations;
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
      ...options.params,
      model: options.model,
      keyframes: options.images,
      width: size.width,
      height: size.height,
      animation: {
        ...(options.params.animation as object),
        loop: options.pingPong ? 'ping-pong' : 'loop',
      },
    },
    { maxSteps: options.maxSteps, maxSide: options.maxSide, maxNoiseLevel: options.maxNoise },
  );
  // In argument order, so the first bad file is the one reported.
  const keyframes: KeyframeSource[] = [];
  for (const path of options.images) keyframes.push(await readKeyframe(path, imageLimits));
  const spec = renderSpec(params, keyframes);
  const locations = { ...options.locations, onDownloadProgress: downloadProgress() };
  const engine = new Engine({
    intraOpThreads: options.threads,
    imageLimits,
    latentCache: options.cache
      ? new BlobLatentCache(new LocalStorage(options.cacheDir))
      : undefined,
    locations,
    onCalibrating: (model) =>
      process.stderr.write(
        `calibrating ${model}'s int8 activation ranges from the sample photos (once; cached in ` +
          `${join(locations.modelsDir, 'calibration')})\n`,
      ),
  });
  // Animations and the contact sheet are opt-in: on a 2-core machine building them alongside the
  // decodes only slows the decodes, and after the last frame they cost seconds (see bench/engine.ts).
  const outputs = {
    webp: options.webp || options.animations,
    gif: options.gif || options.animations,
    sheet: options.contactSheet || options.animations,
  };
  const keepFrames = outputs.webp || outputs.gif || outputs.sheet;
  await mkdir(options.out, { recursive: true });

  const started = performance.now();
  const vae = await engine.vae(spec.model, spec.precision);
  const loadMs = performance.now() - started;
  const bar = progressBar('frames', 'frames');
  bar.start(spec.steps, 0);
  const frames: Omit<RenderedFrame, 'rgb'>[] = [];
  // Each frame is encoded and written (by sharp, on libuv's threads) while the next one decodes;
  // the encoded bytes are kept only when an animation or contact sheet needs them.
  const written: Promise<Buffer | undefined>[] = [];
  try {
    for await (const frame of engine.render(spec)) {
      // Every keyframe is encoded once frame 1 exists (frame 0 needs only the first): the encoder
      // is not needed again.
      if (frame.index === 1) await vae.releaseEncoder();
      const { rgb, ...timing } = frame;
      frames.push(timing);
      written.push(
        tensorToImage(rgb, options.format).then(async (bytes) => {
          await writeFile(join(options.out, frameName(frame.index, options.format)), bytes);
          return keepFrames ? bytes : undefined;
        }),
      );
      bar.increment();
    }
  } finally {
    bar.stop();
  }
  const encoded = (await Promise.all(written)).filter((b): b is Buffer => b !== undefined);
  const renderMs = performance.now() - started - loadMs;
  const extra: string[] = [];
  await Promise.all([
    outputs.webp &&
      encodeAnimation(encoded, 'webp', params.animation).then((bytes) =>
        writeFile(join(options.out, 'animation.webp'), bytes),
      ),
    outputs.gif &&
      encodeAnimation(encoded, 'gif', params.animation).then((bytes) =>
        writeFile(join(options.out, 'animation.gif'), bytes),
      ),
    outputs.sheet &&
      contactSheet(encoded).then((bytes) =>
        writeFile(join(options.out, 'contact-sheet.png'), bytes),
      ),
  ]);
  if (outputs.webp) extra.push('animation.webp');
  if (outputs.gif) extra.push('animation.gif');
  if (outputs.sheet) extra.push('contact-sheet.png');
  const wallMs = performance.now() - started;
  const outputsMs = wallMs - loadMs - renderMs;
  const report = {
    images: options.images.map((path, i) => ({
      path,
      name: basename(path),
      sha256: keyframes[i]!.sha256,
    })),
    model: spec.model,
    // Every top-level option of the run (steps, method, easing, ...), as the table names them.
    ...Object.fromEntries(
      TOP_LEVEL_OPTIONS.map((option) => [
        optionField(option),
        params[option.path as keyof typeof params],
      ]),
    ),
    size: `${spec.width}x${spec.height}`,
    noise: { ...spec.noise, seed: spec.seed },
    animation: params.animation,
    precision: { requested: params.precision, used: vae.precision, reason: vae.precisionReason },
    threads: options.threads,
    format: options.format,
    // renderMs: encoding keyframes, decoding and writing frames; outputsMs: animations and contact sheet;
    // peakRssMb: the process's peak resident memory so far.
    timings: { ...engine.stats, loadMs, renderMs, outputsMs, wallMs },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
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
    `wrote ${spec.steps} frames${extra.map((name) => `, ${name}`).join('')} and run.json to ${options.out} ` +
      `(seed ${spec.seed}, ${vae.precision}, ${(wallMs / 1000).toFixed(1)} s, ` +
      `${engine.stats.encoderCalls} encoder calls)\n`,
  );
}

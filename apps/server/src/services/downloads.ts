// Run downloads built from the stored frames: a zip of the PNGs with a run.json (every parameter,
// the seed, timings and each frame's alpha, like the CLI's run.json), animated WebP/GIF (at the run's
// own fps and loop unless the request asks otherwise) and a contact sheet. sharp encodes on libuv's
// thread pool and the zip is built frame by frame, so the event loop stays free. Downloads of a
// finished run never change: they are cached in storage and named by an ETag.
import { createHash } from 'node:crypto';
import { getImages, getRun, listFrames, type DbClient } from '@latent-lab/db';
import {
  artifactFolder,
  authorize,
  type Actor,
  DomainError,
  DOWNLOAD_FILES,
  invalidInput,
  isFinished,
  LOOP_MODES,
  MAX_FPS,
  MIN_FPS,
  notFound,
  type AnimationParams,
  type DownloadFile,
  type FrameRecord,
  type ImageRecord,
  type LoopMode,
  type RunRecord,
} from '@latent-lab/domain';
import { contactSheet, encodeAnimation } from '@latent-lab/engine';
import type { Storage } from '@latent-lab/storage';
import { Zip, ZipPassThrough } from 'fflate';

const CONTACT_SHEET_THUMB_WIDTH = 256;

export function isDownloadFile(file: string): file is DownloadFile {
  return (Object.values(DOWNLOAD_FILES) as string[]).includes(file);
}

/** fps and loop from a request's query, each defaulting to the run's own setting. */
function animationFrom(query: Record<string, unknown>, run: AnimationParams): AnimationParams {
  const { fps: fpsText, loop = run.loop } = query;
  const fps =
    fpsText === undefined
      ? run.fps
      : typeof fpsText === 'string' && fpsText.trim() !== ''
        ? Number(fpsText)
        : Number.NaN;
  if (!(fps >= MIN_FPS && fps <= MAX_FPS)) {
    throw invalidInput(
      'fps',
      `fps must be a number from ${MIN_FPS} to ${MAX_FPS}, got ${JSON.stringify(fpsText)}`,
    );
  }
  if (!(LOOP_MODES as readonly unknown[]).includes(loop)) {
    throw invalidInput(
      'loop',
      `loop must be one of ${LOOP_MODES.join(', ')}, got ${JSON.stringify(loop)}`,
    );
  }
  return { fps, loop: loop as LoopMode };
}

type StoredFrame = FrameRecord;

function frameFileName(index: number): string {
  return `frame-${String(index).padStart(5, '0')}.png`;
}

/**
 * The zip's run.json: what the CLI's run.json holds (keyframe images, every parameter, the seed,
 * timings, and per frame its file, alpha, noise level, decode time and change), for a stored run,
 * with its metrics (set with SUCCEEDED, so a zip cached for a finished run holds them).
 * Only what never changes once the run is finished (no tags or notes), so a cached zip stays true.
 */
export function runManifest(
  run: RunRecord,
  images: readonly ImageRecord[],
  frames: readonly FrameRecord[],
): Record<string, unknown> {
  const byId = new Map(images.map((image) => [image.id, image]));
  const { params } = run;
  const decodeMs = frames.reduce((sum, frame) => sum + frame.decodeMs, 0);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    images: params.keyframes.map((id) => {
      const image = byId.get(id);
      return {
        id,
        name: image?.originalName ?? null,
        sha256: image?.sha256 ?? null,
        width: image?.width ?? null,
        height: image?.height ?? null,
      };
    }),
    model: params.model,
    steps: params.steps,
    method: params.method,
    easing: params.easing,
    size: `${params.width}x${params.height}`,
    width: params.width,
    height: params.height,
    fit: params.fit,
    noise: { ...params.noise, seed: params.seed },
    seed: params.seed,
    presetId: run.presetId,
    animation: params.animation,
    format: 'png',
    timings: {
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      encodeMs: run.encodeMs,
      decodeMs,
      totalMs: run.totalMs,
    },
    metrics: run.metrics,
    frames: frames.map((frame) => ({
      file: frameFileName(frame.index),
      index: frame.index,
      alpha: frame.alpha,
      noiseLevel: frame.noiseLevel,
      decodeMs: frame.decodeMs,
      change: frame.change,
    })),
  };
}

/** What one request asks for: the file, its cache variant (query included) and how to build it. */
interface ArtifactRequest {
  file: DownloadFile;
  variant: string;
  downloadName: string;
  build(frames: StoredFrame[], storage: Storage): AsyncIterable<Uint8Array>;
}

async function readFrame(storage: Storage, frame: StoredFrame): Promise<Buffer> {
  const bytes = await storage.get(frame.storageKey);
  if (!bytes) throw new Error(`frame ${frame.index} (${frame.storageKey}) is missing from storage`);
  return bytes;
}

function readFrames(storage: Storage, frames: StoredFrame[]): Promise<Buffer[]> {
  return Promise.all(frames.map((frame) => readFrame(storage, frame)));
}

/**
 * run.json, then the PNG frames, as an uncompressed zip (PNG is already compressed), one frame
 * read at a time. `manifest` gives run.json's content.
 */
async function* framesZip(
  frames: StoredFrame[],
  storage: Storage,
  manifest: () => Promise<Record<string, unknown>>,
): AsyncIterable<Uint8Array> {
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  });
  const json = new ZipPassThrough('run.json');
  zip.add(json);
  json.push(new TextEncoder().encode(`${JSON.stringify(await manifest(), null, 2)}\n`), true);
  for (const frame of frames) {
    const entry = new ZipPassThrough(frameFileName(frame.index));
    zip.add(entry);
    entry.push(await readFrame(storage, frame), true);
    if (failure) throw failure;
    yield* pending.splice(0);
  }
  zip.end();
  if (failure) throw failure;
  yield* pending.splice(0);
}

function artifactRequest(
  file: DownloadFile,
  query: Record<string, unknown>,
  runName: string,
  animation: AnimationParams,
  manifest: () => Promise<Record<string, unknown>>,
): ArtifactRequest {
  const base = runName.trim() || 'run';
  switch (file) {
    case 'frames.zip':
      return {
        file,
        // Zips cached before run.json was added are not reused.
        variant: 'frames-run-json.zip',
        downloadName: `${base}-frames.zip`,
        build: (frames, storage) => framesZip(frames, storage, manifest),
      };
    case 'contact-sheet.png':
      return {
        file,
        variant: 'contact-sheet.png',
        downloadName: `${base}-contact-sheet.png`,
        async *build(frames, storage) {
          // Small frames are not blown up.
          const width = frames[0]?.width ?? CONTACT_SHEET_THUMB_WIDTH;
          yield await contactSheet(await readFrames(storage, frames), {
            thumbWidth: Math.max(8, Math.min(CONTACT_SHEET_THUMB_WIDTH, width)),
          });
        },
      };
    case 'animation.webp':
    case 'animation.gif': {
      const format = file === 'animation.webp' ? 'webp' : 'gif';
      const options = animationFrom(query, animation);
      const suffix = `${options.fps}fps-${options.loop}.${format}`;
      return {
        file,
        variant: `animation-${suffix}`,
        downloadName: `${base}-${suffix}`,
        async *build(frames, storage) {
          yield await encodeAnimation(await readFrames(storage, frames), format, options);
        },
      };
    }
  }
}

export interface PreparedDownload {
  /** The file name offered to the browser. */
  downloadName: string;
  /** Names the bytes of a finished run's download; null while frames are still coming. */
  etag: string | null;
  /** The bytes: from the cache when built before, else built now (and cached once final). */
  open(): Promise<{ body: AsyncIterable<Uint8Array>; size?: number }>;
}

export class DownloadService {
  constructor(
    private readonly db: DbClient,
    private readonly storage: Storage,
  ) {}

  async prepare(
    actor: Actor,
    runId: string,
    file: DownloadFile,
    query: Record<string, unknown>,
  ): Promise<PreparedDownload> {
    const { db, storage } = this;
    authorize(actor, 'read');
    const run = await getRun(db, runId, actor.workspaceId);
    if (!run) throw notFound('run', runId);
    const frames = await listFrames(db, runId);
    const manifest = async () =>
      runManifest(run, await getImages(db, run.params.keyframes), frames);
    const artifact = artifactRequest(file, query, run.name, run.params.animation, manifest);
    if (frames.length === 0) {
      throw new DomainError('conflict', 'NO_FRAMES', `run ${runId} has no frames yet`);
    }
    const build = () => artifact.build(frames, storage);
    if (!isFinished(run.status)) {
      return {
        downloadName: artifact.downloadName,
        etag: null,
        open: async () => ({ body: build() }),
      };
    }
    // A finished run's frames never change, so (run, variant, frame count, finish time) names the bytes.
    const hash = createHash('sha256')
      .update(`${runId}\n${artifact.variant}\n${frames.length}\n${run.finishedAt?.toISOString()}`)
      .digest('hex')
      .slice(0, 32);
    const key = `${artifactFolder(runId)}/${hash}-${artifact.variant}`;
    return {
      downloadName: artifact.downloadName,
      etag: `"${hash}"`,
      async open() {
        const cached = await storage.stream(key);
        if (cached) return { body: cached.body, size: cached.size };
        return {
          body: (async function* () {
            const chunks: Uint8Array[] = [];
            for await (const chunk of build()) {
              chunks.push(chunk);
              yield chunk;
            }
            await storage.put(key, Buffer.concat(chunks));
          })(),
        };
      },
    };
  }
}

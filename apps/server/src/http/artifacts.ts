// Run downloads built on the server from the stored frames: a zip of the PNGs, animated WebP/GIF and
// a contact sheet. sharp encodes on libuv's thread pool and the zip is streamed file by file, so the
// event loop stays free. Artifacts of a run in a final state never change: they are cached in
// Storage and served with an ETag.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { listFrames, type PrismaClient } from '@latent-lab/db';
import { contactSheet, encodeAnimation, type AnimationOptions } from '@latent-lab/engine';
import type { NextFunction, Request, Response } from 'express';
import { Zip, ZipPassThrough } from 'fflate';
import { TERMINAL_STATUSES } from '../services/views.ts';
import type { Storage } from '../storage/storage.ts';

export interface RunDownloadUrls {
  framesZip: string;
  animationWebp: string;
  animationGif: string;
  contactSheet: string;
}

const ARTIFACT_FILES = {
  'frames.zip': 'framesZip',
  'animation.webp': 'animationWebp',
  'animation.gif': 'animationGif',
  'contact-sheet.png': 'contactSheet',
} as const satisfies Record<string, keyof RunDownloadUrls>;

type ArtifactFile = keyof typeof ARTIFACT_FILES;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_FPS = 10;
const MAX_FPS = 50;
const CONTACT_SHEET_THUMB_WIDTH = 256;

/** URL paths of a run's downloads on this server. */
export function downloadUrls(runId: string): RunDownloadUrls {
  const urls = {} as RunDownloadUrls;
  for (const [file, field] of Object.entries(ARTIFACT_FILES))
    urls[field] = `/runs/${runId}/${file}`;
  return urls;
}

class BadQuery extends Error {}

function animationOptions(query: Request['query']): Required<AnimationOptions> {
  const { fps: fpsText = String(DEFAULT_FPS), loop = 'loop' } = query as Record<string, unknown>;
  const fps = typeof fpsText === 'string' && fpsText.trim() !== '' ? Number(fpsText) : Number.NaN;
  if (!(fps >= 1 && fps <= MAX_FPS)) {
    throw new BadQuery(`fps must be a number from 1 to ${MAX_FPS}, got ${JSON.stringify(fpsText)}`);
  }
  if (loop !== 'loop' && loop !== 'ping-pong') {
    throw new BadQuery(`loop must be "loop" or "ping-pong", got ${JSON.stringify(loop)}`);
  }
  return { fps, loop };
}

interface StoredFrame {
  index: number;
  storageKey: string;
  width: number;
}

/** What one request asks for: the file, its cache variant (query included) and how to build it. */
interface ArtifactRequest {
  file: ArtifactFile;
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

/** The PNG frames as an uncompressed zip (PNG is already compressed), one frame read at a time. */
async function* framesZip(frames: StoredFrame[], storage: Storage): AsyncIterable<Uint8Array> {
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  });
  for (const frame of frames) {
    const entry = new ZipPassThrough(`frame-${String(frame.index).padStart(5, '0')}.png`);
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
  file: ArtifactFile,
  query: Request['query'],
  runName: string,
): ArtifactRequest {
  const base = runName.trim() || 'run';
  switch (file) {
    case 'frames.zip':
      return { file, variant: 'frames.zip', downloadName: `${base}-frames.zip`, build: framesZip };
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
      const options = animationOptions(query);
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

/** Storage folder of a run's cached artifacts (deleted with the run). */
export function artifactFolder(runId: string): string {
  return `artifacts/${runId}`;
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

function notFound(response: Response, message: string): void {
  response.status(404).json({ error: message });
}

/**
 * GET /runs/:id/(frames.zip|animation.webp|animation.gif|contact-sheet.png). Any other file name
 * falls through (the dashboard owns /runs/:id).
 */
export function serveArtifacts(prisma: PrismaClient, storage: Storage) {
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const { id, file } = request.params as { id: string; file: string };
    if (!Object.hasOwn(ARTIFACT_FILES, file)) {
      next();
      return;
    }
    // A malformed id is simply an unknown run (PostgreSQL would refuse it as a uuid).
    const run = UUID.test(id)
      ? await prisma.run.findUnique({
          where: { id },
          select: { name: true, status: true, finishedAt: true },
        })
      : null;
    if (!run) {
      notFound(response, `run ${id} not found`);
      return;
    }
    let artifact: ArtifactRequest;
    try {
      artifact = artifactRequest(file as ArtifactFile, request.query, run.name);
    } catch (error) {
      if (!(error instanceof BadQuery)) throw error;
      response.status(400).json({ error: error.message });
      return;
    }
    const frames = await listFrames(prisma, id);
    if (frames.length === 0) {
      response.status(409).json({ error: `run ${id} has no frames yet` });
      return;
    }
    response.attachment(artifact.downloadName);
    response.set('X-Content-Type-Options', 'nosniff');

    if (!TERMINAL_STATUSES.has(run.status)) {
      // Frames are still coming: build fresh every time.
      response.set('Cache-Control', 'no-store');
      await pipeline(Readable.from(artifact.build(frames, storage)), response);
      return;
    }
    // A final run's frames never change, so (run, variant, frame count, finish time) names the bytes.
    const hash = createHash('sha256')
      .update(`${id}\n${artifact.variant}\n${frames.length}\n${run.finishedAt?.toISOString()}`)
      .digest('hex')
      .slice(0, 32);
    const etag = `"${hash}"`;
    response.set({ ETag: etag, 'Cache-Control': 'private, no-cache' });
    // Compared here, not with req.fresh: fetch() adds Cache-Control: no-cache to a conditional
    // request, which makes req.fresh false.
    if (matchesEtag(request.get('If-None-Match'), etag)) {
      response.status(304).end();
      return;
    }
    const key = `${artifactFolder(id)}/${hash}-${artifact.variant}`;
    const cached = await storage.stream(key);
    if (cached) {
      response.set('Content-Length', String(cached.size));
      await pipeline(cached.body, response);
      return;
    }
    const chunks: Uint8Array[] = [];
    await pipeline(
      Readable.from(artifact.build(frames, storage)),
      async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          chunks.push(chunk);
          yield chunk;
        }
      },
      response,
    );
    await storage.put(key, Buffer.concat(chunks));
  };
}

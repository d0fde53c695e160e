import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../errors.ts';
import type { ModelManifest, WeightFile } from './manifest.ts';

export interface DownloadProgress {
  file: string;
  receivedBytes: number;
  totalBytes: number | null;
}

/** Where a model's files are: the app's configuration module decides; the engine reads no environment. */
export interface WeightLocations {
  /** Folder of the model manifests (<id>.json). */
  manifestsDir: string;
  /** Searched first; downloads are stored here. */
  modelsDir: string;
  /** Read-only offline mirror: `<mirror>/<file>` or `<mirror>/<id>/<file>`. */
  mirrorDir: string | null;
  allowDownload: boolean;
  onDownloadProgress?: (progress: DownloadProgress) => void;
}

function candidatePaths(
  manifest: ModelManifest,
  weight: WeightFile,
  locations: WeightLocations,
): string[] {
  const paths = [join(locations.modelsDir, weight.file)];
  if (locations.mirrorDir)
    paths.push(
      join(locations.mirrorDir, weight.file),
      join(locations.mirrorDir, manifest.id, weight.file),
    );
  return paths;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function checksumMismatch(weight: WeightFile, where: string, actual: string): EngineError {
  return new EngineError(
    'CHECKSUM_MISMATCH',
    `${weight.file} at ${where} has sha256 ${actual}, expected ${weight.sha256}; delete it and fetch the weights again`,
  );
}

interface LocalCheck {
  path: string;
  actual: string;
  ok: boolean;
}

/** The first existing candidate and whether its checksum matches; null when none exists. */
async function checkLocal(
  manifest: ModelManifest,
  weight: WeightFile,
  locations: WeightLocations,
): Promise<LocalCheck | null> {
  for (const path of candidatePaths(manifest, weight, locations)) {
    if (!(await isFile(path))) continue;
    const actual = await sha256OfFile(path);
    return { path, actual, ok: weight.sha256 === null || actual === weight.sha256 };
  }
  return null;
}

function unavailable(
  manifest: ModelManifest,
  weight: WeightFile,
  locations: WeightLocations,
  reason: string,
): EngineError {
  const looked = candidatePaths(manifest, weight, locations).join(', ');
  return new EngineError(
    'WEIGHTS_UNAVAILABLE',
    `weights for model "${manifest.id}" are unavailable: ${weight.file} was not found (looked in ${looked}) and ${reason}. ` +
      `Fix: put ${weight.file} into ${locations.modelsDir}, point LATENT_LAB_MODELS_MIRROR at a folder holding it, ` +
      `or run "latent-lab models fetch ${manifest.id}" with internet access.`,
  );
}

/** fetch() reports network failures as "fetch failed" with the reason in `cause`. */
function describeFailure(error: unknown): string {
  const { message, cause } = error as Error & { cause?: unknown };
  return cause instanceof Error ? `${message}: ${cause.message}` : message;
}

async function download(
  manifest: ModelManifest,
  weight: WeightFile,
  locations: WeightLocations,
): Promise<string> {
  if (!locations.allowDownload)
    throw unavailable(manifest, weight, locations, 'downloads are disabled (LATENT_LAB_OFFLINE=1)');
  if (weight.sha256 === null) {
    throw unavailable(
      manifest,
      weight,
      locations,
      `its sha256 is not pinned in models/${manifest.id}.json yet, so it will not be downloaded unverified`,
    );
  }
  let response: Response;
  try {
    response = await fetch(weight.url);
  } catch (error) {
    throw unavailable(
      manifest,
      weight,
      locations,
      `downloading ${weight.url} failed (${describeFailure(error)})`,
    );
  }
  if (!response.ok || !response.body) {
    throw unavailable(
      manifest,
      weight,
      locations,
      `downloading ${weight.url} failed with HTTP ${response.status}`,
    );
  }
  await mkdir(locations.modelsDir, { recursive: true });
  const target = join(locations.modelsDir, weight.file);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.part`;
  const length = Number(response.headers.get('content-length'));
  const totalBytes = Number.isFinite(length) && length > 0 ? length : null;
  const hash = createHash('sha256');
  let receivedBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      receivedBytes += chunk.byteLength;
      locations.onDownloadProgress?.({ file: weight.file, receivedBytes, totalBytes });
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      meter,
      createWriteStream(temporary),
    );
    const actual = hash.digest('hex');
    if (actual !== weight.sha256) throw checksumMismatch(weight, weight.url, actual);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof EngineError) throw error;
    throw unavailable(
      manifest,
      weight,
      locations,
      `downloading ${weight.url} failed (${describeFailure(error)})`,
    );
  }
  return target;
}

/** Finds (or downloads) one weight file and verifies it; a corrupt local copy is an error, not skipped. */
export async function resolveWeightFile(
  manifest: ModelManifest,
  weight: WeightFile,
  locations: WeightLocations,
): Promise<string> {
  const local = await checkLocal(manifest, weight, locations);
  if (local) {
    if (!local.ok) throw checksumMismatch(weight, local.path, local.actual);
    return local.path;
  }
  return download(manifest, weight, locations);
}

export async function resolveWeights(
  manifest: ModelManifest,
  locations: WeightLocations,
): Promise<{ encoder: string; decoder: string }> {
  return {
    encoder: await resolveWeightFile(manifest, manifest.files.encoder, locations),
    decoder: await resolveWeightFile(manifest, manifest.files.decoder, locations),
  };
}

/** Resolves, downloading where allowed, and verifies every weight file of the model. */
export async function fetchWeights(
  manifest: ModelManifest,
  locations: WeightLocations,
): Promise<void> {
  await resolveWeights(manifest, locations);
}

export interface WeightCheck {
  file: string;
  path: string | null;
  ok: boolean;
  detail: string;
}

/** Checks the local copies (never downloads). */
export async function verifyWeights(
  manifest: ModelManifest,
  locations: WeightLocations,
): Promise<WeightCheck[]> {
  const checks: WeightCheck[] = [];
  for (const weight of [manifest.files.encoder, manifest.files.decoder]) {
    const local = await checkLocal(manifest, weight, locations);
    if (!local) {
      checks.push({
        file: weight.file,
        path: null,
        ok: false,
        detail: `missing (looked in ${candidatePaths(manifest, weight, locations).join(', ')})`,
      });
    } else if (weight.sha256 === null) {
      checks.push({
        file: weight.file,
        path: local.path,
        ok: true,
        detail: `present; sha256 not pinned in the manifest (file has ${local.actual})`,
      });
    } else if (local.ok) {
      checks.push({
        file: weight.file,
        path: local.path,
        ok: true,
        detail: `sha256 ${local.actual} matches`,
      });
    } else {
      checks.push({
        file: weight.file,
        path: local.path,
        ok: false,
        detail: `sha256 ${local.actual}, expected ${weight.sha256}`,
      });
    }
  }
  return checks;
}

/** True when every weight file is present locally with a matching checksum. */
export async function weightsAvailable(
  manifest: ModelManifest,
  locations: WeightLocations,
): Promise<boolean> {
  return (await verifyWeights(manifest, locations)).every((check) => check.ok);
}

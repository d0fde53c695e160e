import type { ModelLocations } from '@latent-lab/config';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  calibrateModel,
  calibrationJson,
  shippedCalibrationPath,
  fetchWeights,
  getManifest,
  listManifests,
  verifyWeights,
  weightsAvailable,
} from '@latent-lab/engine';
import { downloadProgress } from './progress.ts';

export async function listModels(locations: ModelLocations): Promise<void> {
  const rows = [['id', 'name', 'latent', 'weights']];
  for (const manifest of await listManifests(locations.manifestsDir)) {
    const available = await weightsAvailable(manifest, locations);
    rows.push([
      manifest.id,
      manifest.name,
      `${manifest.latentChannels}ch /${manifest.downscale}`,
      available ? 'available' : 'not downloaded',
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

export async function fetchModel(locations: ModelLocations, id: string): Promise<void> {
  const manifest = await getManifest(id, locations.manifestsDir);
  await fetchWeights(manifest, { ...locations, onDownloadProgress: downloadProgress() });
  process.stdout.write(`${id}: weights present and verified\n`);
}

/** Exits non-zero when a weight file that is present has the wrong checksum. */
export async function verifyModels(locations: ModelLocations, id?: string): Promise<void> {
  const manifests = id
    ? [await getManifest(id, locations.manifestsDir)]
    : await listManifests(locations.manifestsDir);
  let failed = 0;
  for (const manifest of manifests) {
    for (const result of await verifyWeights(manifest, locations)) {
      if (result.path !== null && !result.ok) failed++;
      const status = result.path === null ? 'missing' : result.ok ? 'ok' : 'MISMATCH';
      process.stdout.write(`${manifest.id}  ${result.file}  ${status}  ${result.detail}\n`);
    }
  }
  if (failed > 0) throw new Error(`${failed} weight file(s) failed verification`);
}

/**
 * Calibrates a model's int8 activation ranges for the weights found here and writes them where
 * loads look first (models/<id>.calibration.json), so no later load calibrates.
 */
export interface CalibrateOptions {
  images?: string;
  photos?: string;
  out?: string;
  threads: string;
}

export async function calibrateModelCommand(
  locations: ModelLocations,
  id: string,
  options: CalibrateOptions,
): Promise<void> {
  const manifest = await getManifest(id, locations.manifestsDir);
  const imagesDir =
    options.images ??
    (locations.mirrorDir ? join(dirname(locations.mirrorDir), 'images') : undefined);
  if (!imagesDir) throw new Error('no photos to calibrate from: pass --images <folder>');
  const calibration = await calibrateModel(manifest, locations, {
    imagesDir,
    photos: options.photos?.split(','),
    intraOpThreads: Number(options.threads),
  });
  const out = options.out ?? shippedCalibrationPath(locations.manifestsDir, id);
  await writeFile(out, calibrationJson(calibration));
  process.stdout.write(
    `${id}: calibrated on ${calibration.photos?.join(', ')}; written to ${out}\n`,
  );
}

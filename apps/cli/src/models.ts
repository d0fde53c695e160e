import { loadModelLocations } from '@latent-lab/config';
import {
  fetchWeights,
  getManifest,
  listManifests,
  verifyWeights,
  weightsAvailable,
} from '@latent-lab/engine';
import { downloadProgress } from './progress.ts';

export async function listModels(): Promise<void> {
  const locations = loadModelLocations(process.env);
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

export async function fetchModel(id: string): Promise<void> {
  const locations = loadModelLocations(process.env);
  const manifest = await getManifest(id, locations.manifestsDir);
  await fetchWeights(manifest, { ...locations, onDownloadProgress: downloadProgress() });
  process.stdout.write(`${id}: weights present and verified\n`);
}

/** Exits non-zero when a weight file that is present has the wrong checksum. */
export async function verifyModels(id?: string): Promise<void> {
  const locations = loadModelLocations(process.env);
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

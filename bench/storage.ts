// Storage benchmark (npm run bench:storage): the per-frame cost of the S3 store (S3Storage against
// s3rver, in its own process on 127.0.0.1) against the local folder (LocalStorage on the temp
// folder's disk). Each iteration stores one PNG frame under a new key (put) and reads it back
// (get), alternating between the two stores so that load on the machine hits both alike.
// Prints p50/p99 in milliseconds; asserts nothing. MinIO or AWS S3 will differ: s3rver is a test
// server (Koa, one JSON metadata file per object), and a real network adds its round trip.
// Usage: npm run bench:storage [-- --iterations 200]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { LocalStorage, S3Storage, type Storage } from '@latent-lab/storage';
import { startTestS3 } from '../test/helpers/s3.ts';
import { numberOptions, percentile } from './stats.ts';

const { iterations, warmup } = numberOptions({ iterations: 200, warmup: 10 });
const PHOTO = fileURLToPath(new URL('../../shared/images/astronaut.png', import.meta.url));

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** A frame as the worker stores it: a PNG of a real photo at the run's size. */
async function frame(size: number): Promise<Buffer> {
  return sharp(PHOTO).resize(size, size, { fit: 'cover' }).removeAlpha().png().toBuffer();
}

interface Samples {
  put: number[];
  get: number[];
  both: number[];
}

const root = await mkdtemp(join(tmpdir(), 'latent-lab-bench-storage-'));
const s3 = await startTestS3('latent-lab-bench');
const stores: [string, Storage][] = [
  ['local folder', new LocalStorage(root)],
  ['S3 (s3rver)', new S3Storage(s3.options)],
];
const rows: string[] = [];
try {
  for (const size of [512, 256]) {
    const bytes = await frame(size);
    const samples = new Map<string, Samples>(
      stores.map(([name]) => [name, { put: [], get: [], both: [] }]),
    );
    for (let i = 0; i < warmup + iterations; i++) {
      for (const [name, storage] of stores) {
        const key = `frames/bench-${size}/${String(i).padStart(5, '0')}.png`;
        const put = await timed(() => storage.put(key, bytes));
        let read: Buffer | undefined;
        const get = await timed(async () => {
          read = await storage.get(key);
        });
        if (read?.length !== bytes.length) throw new Error(`${name}: ${key} came back changed`);
        if (i < warmup) continue;
        const sample = samples.get(name)!;
        sample.put.push(put);
        sample.get.push(get);
        sample.both.push(put + get);
      }
    }
    for (const [name] of stores) {
      const { put, get, both } = samples.get(name)!;
      const cells = [put, get, both].map(
        (list) => `${percentile(list, 50).toFixed(2)} / ${percentile(list, 99).toFixed(2)}`,
      );
      rows.push(
        `| ${size}x${size} | ${(bytes.length / 1024).toFixed(0)} KB | ${name} | ${cells.join(' | ')} |`,
      );
    }
    const local = percentile(samples.get('local folder')!.both, 50);
    const remote = percentile(samples.get('S3 (s3rver)')!.both, 50);
    rows.push(
      `| ${size}x${size} | | S3 minus local, p50 | | | ${(remote - local).toFixed(2)} ms per frame |`,
    );
    for (const [, storage] of stores) await storage.deleteFolder(`frames/bench-${size}`);
  }
  console.log(
    `storage: ${iterations} frames per size and store after ${warmup} warm-up, ms p50 / p99`,
  );
  console.log('| frame | PNG | store | put | get | put + get |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  (stores[1]![1] as S3Storage).close();
  await s3.close();
  await rm(root, { recursive: true, force: true });
}

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readdir } from 'node:fs/promises';
import { BlobLatentCache } from '@latent-lab/engine';
import { LocalStorage, StorageKeyError } from '../src/index.ts';

let root: string;
let storage: LocalStorage;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'latent-lab-storage-'));
  storage = new LocalStorage(root);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('put, get, stream, exists and delete by key', async () => {
  const bytes = new Uint8Array([1, 2, 3, 250]);
  await storage.put('frames/run-1/00000.png', bytes);
  assert.equal(await storage.exists('frames/run-1/00000.png'), true);
  assert.deepEqual(new Uint8Array((await storage.get('frames/run-1/00000.png'))!), bytes);
  const streamed = await storage.stream('frames/run-1/00000.png');
  assert.equal(streamed?.size, 4);
  const chunks: Buffer[] = [];
  for await (const chunk of streamed!.body) chunks.push(chunk as Buffer);
  assert.deepEqual(new Uint8Array(Buffer.concat(chunks)), bytes);

  await storage.put('frames/run-1/00000.png', new Uint8Array([9]));
  assert.deepEqual(
    new Uint8Array((await storage.get('frames/run-1/00000.png'))!),
    new Uint8Array([9]),
    'put overwrites',
  );

  await storage.delete('frames/run-1/00000.png');
  assert.equal(await storage.exists('frames/run-1/00000.png'), false);
  assert.equal(await storage.get('frames/run-1/00000.png'), undefined);
  assert.equal(await storage.stream('frames/run-1/00000.png'), undefined);
  await storage.delete('frames/run-1/00000.png');
});

test('deleting the last key of a folder leaves no empty folder behind', async () => {
  await storage.put('frames/run-2/00000.png', new Uint8Array([1]));
  await storage.put('frames/run-2/00001.png', new Uint8Array([2]));
  await storage.put('artifacts/run-2/a/b.zip', new Uint8Array([3]));
  await storage.delete('frames/run-2/00000.png');
  assert.deepEqual(await readdir(join(root, 'frames/run-2')), ['00001.png']);
  await storage.delete('frames/run-2/00001.png');
  await storage.deleteFolder('artifacts/run-2');
  const left = await readdir(root);
  assert.ok(!left.includes('frames') && !left.includes('artifacts'), `left: ${left.join(', ')}`);
});

test('keys that could leave the storage folder are refused', async () => {
  for (const key of ['../outside', 'a/../../b', '/etc/passwd', '.hidden', 'a//b', '', 'a\\b']) {
    await assert.rejects(storage.get(key), StorageKeyError, JSON.stringify(key));
  }
});

test('the latent cache round-trips a tensor and ignores damaged files', async () => {
  const cache = new BlobLatentCache(storage);
  const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 7 - 1);
  await cache.set('taef2/128x128-cover/abc', { data, shape: [1, 2, 3, 4] });
  const latent = await cache.get('taef2/128x128-cover/abc');
  assert.deepEqual(latent?.shape, [1, 2, 3, 4]);
  assert.deepEqual(latent?.data, data);
  assert.equal(await cache.get('taef2/128x128-cover/missing'), undefined);

  await writeFile(join(root, 'latents/taef2/128x128-cover/abc.f32'), new Uint8Array(20));
  assert.equal(
    await cache.get('taef2/128x128-cover/abc'),
    undefined,
    'a size that does not match the shape is a miss',
  );
});

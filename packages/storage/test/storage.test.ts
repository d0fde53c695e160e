// One contract for every Storage: the same assertions run against the local folder and against
// S3Storage on a real S3-protocol server (s3rver), then the S3-only parts (presigned URLs,
// paginated folder deletes, multipart uploads).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { BlobLatentCache } from '@latent-lab/engine';
import { startFaultyProxy } from '../../../test/helpers/faulty-proxy.ts';
import { startTestS3, type TestS3 } from '../../../test/helpers/s3.ts';
import { LocalStorage, S3Storage, StorageKeyError, type Storage } from '../src/index.ts';

interface Subject {
  storage: Storage;
  close(): Promise<void>;
}

async function readAll(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function storageContract(name: string, open: () => Promise<Subject>): void {
  describe(`${name} storage`, () => {
    let subject: Subject;
    let storage: Storage;
    before(async () => {
      subject = await open();
      storage = subject.storage;
    });
    after(() => subject.close());

    test('put, get, stream, exists and delete by key', async () => {
      const bytes = new Uint8Array([1, 2, 3, 250]);
      await storage.put('frames/run-1/00000.png', bytes);
      assert.equal(await storage.exists('frames/run-1/00000.png'), true);
      assert.deepEqual(new Uint8Array((await storage.get('frames/run-1/00000.png'))!), bytes);
      const streamed = await storage.stream('frames/run-1/00000.png');
      assert.equal(streamed?.size, 4);
      assert.deepEqual(new Uint8Array(await readAll(streamed!.body)), bytes);

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

    test('a folder key is not an object key', async () => {
      await storage.put('images/ab/abcdef.png', new Uint8Array([1]));
      assert.equal(await storage.exists('images/ab'), false);
      assert.equal(await storage.get('images/ab'), undefined);
      assert.equal(await storage.exists('images/ab/abc'), false, 'a key prefix is not a key');
      await storage.delete('images/ab/abcdef.png');
    });

    test('binary payloads round-trip through get and stream unchanged', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      await storage.put('artifacts/run-2/frames.zip', bytes);
      assert.ok(bytes.equals((await storage.get('artifacts/run-2/frames.zip'))!));
      const streamed = await storage.stream('artifacts/run-2/frames.zip');
      assert.equal(streamed?.size, bytes.length);
      assert.ok(bytes.equals(await readAll(streamed!.body)));
      await storage.delete('artifacts/run-2/frames.zip');
    });

    test('deleteFolder removes every nested key under the folder and nothing else', async () => {
      const inside = [
        'frames/run-3/00000.png',
        'frames/run-3/00001.png',
        'frames/run-3/thumbs/00000.webp',
        'frames/run-3/thumbs/deep/er/x.bin',
      ];
      const outside = [
        'frames/run-30/00000.png', // same string prefix, another folder
        'frames/run-3.png', // a sibling key that starts with the folder's name
        'frames/other/00000.png',
        'artifacts/run-3/frames.zip',
      ];
      for (const key of [...inside, ...outside]) await storage.put(key, new Uint8Array([7]));

      await storage.deleteFolder('frames/run-3');
      for (const key of inside) assert.equal(await storage.exists(key), false, key);
      for (const key of outside) assert.equal(await storage.exists(key), true, key);

      await storage.deleteFolder('frames/run-3');
      await storage.deleteFolder('never/written');
      for (const key of outside) await storage.delete(key);
    });

    test('keys that could leave the storage folder are refused by every method', async () => {
      const bad = ['../outside', 'a/../../b', '/etc/passwd', '.hidden', 'a//b', '', 'a\\b', 'a/'];
      for (const key of bad) {
        const label = JSON.stringify(key);
        await assert.rejects(storage.get(key), StorageKeyError, label);
        await assert.rejects(storage.put(key, new Uint8Array([1])), StorageKeyError, label);
        await assert.rejects(storage.stream(key), StorageKeyError, label);
        await assert.rejects(storage.exists(key), StorageKeyError, label);
        await assert.rejects(storage.delete(key), StorageKeyError, label);
        await assert.rejects(storage.deleteFolder(key), StorageKeyError, label);
      }
    });

    test('the latent cache round-trips a tensor and ignores damaged entries', async () => {
      const cache = new BlobLatentCache(storage);
      const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 7 - 1);
      await cache.set('taef2/128x128-cover/abc', { data, shape: [1, 2, 3, 4] });
      const latent = await cache.get('taef2/128x128-cover/abc');
      assert.deepEqual(latent?.shape, [1, 2, 3, 4]);
      assert.deepEqual(latent?.data, data);
      assert.equal(await cache.get('taef2/128x128-cover/missing'), undefined);

      await storage.put('latents/taef2/128x128-cover/abc.f32', new Uint8Array(20));
      assert.equal(
        await cache.get('taef2/128x128-cover/abc'),
        undefined,
        'a size that does not match the shape is a miss',
      );
    });
  });
}

storageContract('local folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'latent-lab-storage-'));
  return {
    storage: new LocalStorage(root),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

describe('local folder storage only', () => {
  test('deleting the last key of a folder leaves no empty folder behind', async () => {
    const root = await mkdtemp(join(tmpdir(), 'latent-lab-storage-'));
    const storage = new LocalStorage(root);
    try {
      await storage.put('frames/run-2/00000.png', new Uint8Array([1]));
      await storage.put('frames/run-2/00001.png', new Uint8Array([2]));
      await storage.put('artifacts/run-2/a/b.zip', new Uint8Array([3]));
      await storage.delete('frames/run-2/00000.png');
      assert.deepEqual(await readdir(join(root, 'frames/run-2')), ['00001.png']);
      await storage.delete('frames/run-2/00001.png');
      await storage.deleteFolder('artifacts/run-2');
      assert.deepEqual(await readdir(root), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

storageContract('S3 (s3rver)', async () => {
  const s3 = await startTestS3();
  const storage = new S3Storage(s3.options);
  return {
    storage,
    async close() {
      storage.close();
      await s3.close();
    },
  };
});

describe('S3 storage only', () => {
  let s3: TestS3;
  let storage: S3Storage;
  before(async () => {
    s3 = await startTestS3();
    storage = new S3Storage(s3.options);
  });
  after(async () => {
    storage.close();
    await s3.close();
  });

  test('objects are stored under their key, with a Content-Type from the extension', async () => {
    await storage.put('images/ab/abcdef.png', new Uint8Array([1, 2]));
    await storage.put('latents/taef2/x.f32', new Uint8Array([3]));
    assert.deepEqual(await s3.listKeys(), ['images/ab/abcdef.png', 'latents/taef2/x.f32']);
    const png = await fetch(await storage.presignGet('images/ab/abcdef.png', { expiresIn: 60 }));
    assert.equal(png.headers.get('content-type'), 'image/png');
    const f32 = await fetch(await storage.presignGet('latents/taef2/x.f32', { expiresIn: 60 }));
    assert.equal(f32.headers.get('content-type'), 'application/octet-stream');
    await storage.deleteFolder('images');
    await storage.deleteFolder('latents');
    assert.deepEqual(await s3.listKeys(), []);
  });

  test('a presigned URL is fetched with a plain fetch() and sets the response headers', async () => {
    const bytes = randomBytes(4096);
    await storage.put('artifacts/run-9/frames.zip', bytes);
    const url = await storage.presignGet('artifacts/run-9/frames.zip', {
      expiresIn: 300,
      contentDisposition: 'attachment; filename="sunset-frames.zip"',
      cacheControl: 'private, max-age=300',
    });
    assert.match(url, /X-Amz-Expires=300/);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.ok(bytes.equals(Buffer.from(await response.arrayBuffer())));
    assert.equal(
      response.headers.get('content-disposition'),
      'attachment; filename="sunset-frames.zip"',
    );
    assert.equal(response.headers.get('cache-control'), 'private, max-age=300');
    await storage.delete('artifacts/run-9/frames.zip');
  });

  test('a presigned URL stops working when it expires', async () => {
    await storage.put('frames/run-9/00000.png', new Uint8Array([5]));
    // Signed two minutes ago for one minute: already expired, no waiting needed.
    const expired = await storage.presignGet('frames/run-9/00000.png', {
      expiresIn: 60,
      signedAt: new Date(Date.now() - 120_000),
    });
    const response = await fetch(expired);
    assert.equal(response.status, 403);
    assert.match(await response.text(), /expired/);
    // The same signing time with a lifetime that has not run out still works.
    const valid = await storage.presignGet('frames/run-9/00000.png', {
      expiresIn: 600,
      signedAt: new Date(Date.now() - 120_000),
    });
    assert.equal((await fetch(valid)).status, 200);
    await storage.delete('frames/run-9/00000.png');

    await assert.rejects(storage.presignGet('frames/x.png', { expiresIn: 0 }), RangeError);
    await assert.rejects(storage.presignGet('frames/x.png', { expiresIn: 604801 }), RangeError);
    await assert.rejects(storage.presignGet('../x', { expiresIn: 60 }), StorageKeyError);
  });

  test('presigned URLs can name the public address of the store', async () => {
    const behindProxy = new S3Storage({
      ...s3.options,
      publicEndpoint: 'https://files.example.test',
    });
    try {
      const url = new URL(
        await behindProxy.presignGet('frames/run-7/00000.png', { expiresIn: 60 }),
      );
      assert.equal(url.origin, 'https://files.example.test');
      assert.equal(url.pathname, `/${s3.bucket}/frames/run-7/00000.png`);
      // The store itself is still reached at its own endpoint.
      await behindProxy.put('frames/run-7/00000.png', new Uint8Array([1]));
      assert.equal(await storage.exists('frames/run-7/00000.png'), true);
      await behindProxy.delete('frames/run-7/00000.png');
    } finally {
      behindProxy.close();
    }
  });

  test('deleteFolder pages through more than 1000 keys', async () => {
    const keys = Array.from(
      { length: 1005 },
      (_, i) => `frames/big/${String(i).padStart(5, '0')}.png`,
    );
    const queue = [...keys];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let key = queue.pop(); key; key = queue.pop())
          await storage.put(key, new Uint8Array([1]));
      }),
    );
    await storage.put('frames/keep.png', new Uint8Array([1]));
    assert.equal((await s3.listKeys('frames/big/')).length, 1005);
    await storage.deleteFolder('frames/big');
    assert.deepEqual(await s3.listKeys(), ['frames/keep.png']);
    await storage.delete('frames/keep.png');
  });

  test('objects above the multipart threshold go up in parts and come back whole', async () => {
    const bytes = randomBytes(20 * 1024 * 1024 + 3);
    await storage.put('artifacts/run-8/frames.zip', bytes);
    assert.ok(bytes.equals((await storage.get('artifacts/run-8/frames.zip'))!));
    await storage.delete('artifacts/run-8/frames.zip');
  });

  /** get() through a proxy that breaks GET answers after their headers. */
  async function getThrough(
    fault: 'cut' | 'stall',
    breaks: number,
    key: string,
  ): Promise<{
    result: Promise<Buffer | undefined>;
    gets: () => number;
    done: () => Promise<void>;
  }> {
    const proxy = await startFaultyProxy(s3.endpoint, fault, breaks);
    // The stall is only ended by the socket timeout: a short one here.
    const proxied = new S3Storage({
      ...s3.options,
      endpoint: proxy.endpoint,
      socketTimeoutMs: 500,
    });
    return {
      result: proxied.get(key),
      gets: () => proxy.gets,
      async done() {
        proxied.close();
        await proxy.close();
      },
    };
  }

  const BODY_FAULTS = [
    ['cut', 'is cut off after the headers'],
    ['stall', 'stalls after the headers (the socket timeout ends it)'],
  ] as const;
  for (const [index, [fault, what]] of BODY_FAULTS.entries()) {
    test(`a get whose body ${what} is read again, whole`, async () => {
      const key = `frames/run-6/0000${index}.png`;
      const bytes = randomBytes(64 * 1024);
      await storage.put(key, bytes);
      const through = await getThrough(fault, 1, key);
      try {
        assert.ok(bytes.equals((await through.result)!));
        assert.equal(through.gets(), 2, 'one broken GET, then one whole');
      } finally {
        await through.done();
      }
    });
  }

  test('twenty gets at once, the first ten cut off: every one comes back whole', async () => {
    const objects = Array.from({ length: 20 }, (_, i) => ({
      key: `frames/run-5/${String(i).padStart(5, '0')}.png`,
      bytes: randomBytes(16 * 1024 + i),
    }));
    await Promise.all(objects.map(({ key, bytes }) => storage.put(key, bytes)));
    const proxy = await startFaultyProxy(s3.endpoint, 'cut', 10);
    const proxied = new S3Storage({ ...s3.options, endpoint: proxy.endpoint });
    try {
      const got = await Promise.all(objects.map(({ key }) => proxied.get(key)));
      got.forEach((bytes, i) => assert.ok(objects[i]!.bytes.equals(bytes!), objects[i]!.key));
      assert.equal(proxy.broken, 10);
      assert.equal(proxy.gets, 30, 'each broken GET was sent once more');
    } finally {
      proxied.close();
      await proxy.close();
    }
    await storage.deleteFolder('frames/run-5');
  });

  test('a get whose body is cut off every time fails after three tries', async () => {
    await storage.put('frames/run-6/00002.png', randomBytes(64 * 1024));
    const through = await getThrough('cut', Infinity, 'frames/run-6/00002.png');
    try {
      await assert.rejects(through.result);
      assert.equal(through.gets(), 3);
    } finally {
      await through.done();
    }
    await storage.deleteFolder('frames/run-6');
  });

  test('a missing bucket is an error, not a missing key', async () => {
    const elsewhere = new S3Storage({ ...s3.options, bucket: `${s3.bucket}-missing` });
    try {
      await assert.rejects(elsewhere.checkBucket());
      await assert.rejects(elsewhere.get('frames/x.png'), /bucket/i);
      await assert.rejects(elsewhere.stream('frames/x.png'), /bucket/i);
    } finally {
      elsewhere.close();
    }
    await storage.checkBucket();
  });
});

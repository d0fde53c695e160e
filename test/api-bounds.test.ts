// Bounded queries and the bad input found by trying the API as a new user would: every item is
// refused with a code and a field (never clamped or cut), and the server keeps serving.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import { before, describe, test } from 'node:test';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  CREATE_RUN,
  gql,
  gqlOk,
  PHOTOS,
  uploadBytes,
  uploadPhotos,
  useTestServer,
  wsClient,
} from './helpers/api.ts';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG that claims 60000x60000 pixels (a few hundred bytes on the wire). */
function hugePng(): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(60000, 0);
  header.writeUInt32BE(60000, 4);
  header[8] = 8; // 8-bit grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(16))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const HEAVY_QUERY = `{ ${Array.from(
  { length: 15 },
  (_, i) =>
    `a${i}: runs(first: 100) { nodes { frames { nodes { index alpha noiseLevel url width height decodeMs change createdAt } } } }`,
).join(' ')} }`;

describe('bounded queries and bad input', () => {
  const testServer = useTestServer({ name: 'bounds', logLevel: 'silent' });
  let server: RunningServer;
  let imageIds: string[];

  before(async () => {
    server = testServer.server;
    imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
  });

  test('an image over the pixel limit says so with both numbers; a cut JPEG is truncated or corrupt', async () => {
    const huge = await uploadBytes(server.url, hugePng(), 'huge.png', 'image/png');
    assert.equal(huge.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(huge.errors![0]!.message, /over the pixel limit/);
    assert.match(huge.errors![0]!.message, /3600000000/);
    assert.match(huge.errors![0]!.message, /40000000/);

    const jpeg = await readFile(PHOTOS.rocket);
    const cut = await uploadBytes(server.url, jpeg.subarray(0, 300), 'cut.jpg', 'image/jpeg');
    assert.equal(cut.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(cut.errors![0]!.message, /truncated or corrupt/);
  });

  test('the noise level has an upper bound; 1e308 is refused with the field', async () => {
    const result = await gql(server.url, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps: 4, width: 64, height: 64, noise: { level: 1e308 } },
    });
    assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(result.errors?.[0]?.extensions?.field, 'noise.level');
    assert.match(result.errors![0]!.message, /from 0 to 10/);
  });

  test('seeds from 0 to 2^32-1 are accepted and kept exactly; beyond is refused with the field', async () => {
    for (const seed of [0, 2 ** 31, 2 ** 32 - 1]) {
      const { createRun } = await gqlOk(server.url, CREATE_RUN, {
        input: { model: 'taef2', imageIds, steps: 2, width: 64, height: 64, seed },
      });
      assert.equal(createRun.seed, seed);
      const { run } = await gqlOk(server.url, 'query ($id: ID!) { run(id: $id) { seed } }', {
        id: createRun.id,
      });
      assert.equal(run.seed, seed, 'stored in a column that holds it');
    }
    for (const seed of [2 ** 32, -1, 1.5]) {
      const result = await gql(server.url, CREATE_RUN, {
        input: { model: 'taef2', imageIds, steps: 2, width: 64, height: 64, seed },
      });
      assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', String(seed));
      assert.equal(result.errors?.[0]?.extensions?.field, 'seed', String(seed));
    }
  });

  test('out-of-range values are refused, never clamped or cut', async () => {
    for (const first of [0, -1, 101]) {
      for (const query of [
        'query ($first: Int!) { runs(first: $first) { totalCount } }',
        'query ($first: Int!) { images(first: $first) { totalCount } }',
      ]) {
        const result = await gql(server.url, query, { first });
        assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${query} ${first}`);
        assert.equal(result.errors?.[0]?.extensions?.field, 'first');
      }
    }
    const long = await gql(server.url, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps: 2, width: 64, height: 64, name: 'n'.repeat(201) },
    });
    assert.equal(long.errors?.[0]?.extensions?.field, 'name');
    assert.match(long.errors![0]!.message, /1 to 200 characters, got 201/);
  });

  test('several bad fields are reported together, each with its field', async () => {
    const result = await gql(server.url, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps: 5000, width: 3000, height: 64 },
    });
    const issues = (result.errors?.[0]?.extensions as { issues?: { field: string }[] }).issues;
    assert.deepEqual(issues?.map((issue) => issue.field).sort(), ['steps', 'width']);
  });

  test('the animation settings are stored with the run and drive its downloads by default', async () => {
    const { createRun } = await gqlOk(server.url, CREATE_RUN, {
      input: {
        model: 'taef2',
        imageIds,
        steps: 2,
        width: 64,
        height: 64,
        animation: { fps: 24, loop: 'PING_PONG' },
      },
    });
    const { run } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { animation { fps loop } } }',
      {
        id: createRun.id,
      },
    );
    assert.deepEqual(run.animation, { fps: 24, loop: 'PING_PONG' });
    const bad = await gql(server.url, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps: 2, animation: { fps: 500 } },
    });
    assert.equal(bad.errors?.[0]?.extensions?.field, 'animation.fps');
  });

  test('a query whose lists multiply past the cost limit is refused before it runs, on HTTP and WebSocket', async () => {
    const http = await gql(server.url, HEAVY_QUERY);
    assert.equal(http.status, 400);
    assert.equal(http.errors?.[0]?.extensions?.code, 'QUERY_TOO_COSTLY');
    assert.equal(http.data, undefined, 'nothing was executed');
    assert.match(http.errors![0]!.message, /over the limit of 10000/);

    const client = wsClient(server.url);
    try {
      const errors = await new Promise<
        readonly { message: string; extensions?: { code?: string } }[]
      >((resolve, reject) => {
        client.subscribe(
          { query: HEAVY_QUERY },
          {
            next: () => reject(new Error('executed')),
            error: (e) => resolve(e as never),
            complete: () => reject(new Error('completed')),
          },
        );
      });
      assert.equal(errors[0]?.extensions?.code, 'QUERY_TOO_COSTLY');
    } finally {
      await client.dispose();
    }

    // A modest page is well inside the limit.
    await gqlOk(
      server.url,
      '{ runs(first: 20) { nodes { id keyframes { id } thumbnails { url } } } }',
    );
  });

  test('/health answers while the heavy query is sent again and again', async () => {
    const heavy = Array.from({ length: 40 }, () => gql(server.url, HEAVY_QUERY));
    const health = Array.from({ length: 10 }, () => fetch(`${server.url}/health`));
    for (const response of await Promise.all(health)) assert.equal(response.status, 200);
    for (const result of await Promise.all(heavy)) {
      assert.equal(result.errors?.[0]?.extensions?.code, 'QUERY_TOO_COSTLY');
    }
  });
});

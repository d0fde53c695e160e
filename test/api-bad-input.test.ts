// Bad input never crashes the server: invalid createRun arguments, bad uploads (with nothing
// stored), malformed or oversized GraphQL over HTTP and WebSocket.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  authHeaders,
  CREATE_RUN,
  gql,
  gqlOk,
  PHOTOS,
  PROGRESS_SUBSCRIPTION,
  uploadBytes,
  uploadPhotos,
  useTestServer,
  wsClient,
} from './helpers/api.ts';

const MAX_UPLOAD_BYTES = 500_000; // astronaut.png (792 kB) is over it
const MAX_INPUT_PIXELS = 250_000; // rocket.jpg (640x427) is over it

describe('bad input', () => {
  const testServer = useTestServer({
    name: 'bad',
    logLevel: 'silent',
    maxUploadBytes: MAX_UPLOAD_BYTES,
    maxInputPixels: MAX_INPUT_PIXELS,
  });
  let server: RunningServer;
  let imageIds: string[];

  before(async () => {
    server = testServer.server;
  });

  test('bad uploads get clear errors and nothing is stored', async () => {
    const chelsea = await readFile(PHOTOS.chelsea);
    const cases: { name: string; bytes: Uint8Array; code: string; message: RegExp }[] = [
      {
        name: 'notes.txt',
        bytes: new TextEncoder().encode('not an image at all'),
        code: 'BAD_USER_INPUT',
        message: /file/,
      },
      { name: 'empty.png', bytes: new Uint8Array(0), code: 'BAD_USER_INPUT', message: /empty/ },
      {
        name: 'truncated.png',
        bytes: chelsea.subarray(0, chelsea.byteLength / 2),
        code: 'BAD_USER_INPUT',
        message: /file/,
      },
      {
        name: 'astronaut.png',
        bytes: await readFile(PHOTOS.astronaut),
        code: 'PAYLOAD_TOO_LARGE',
        message: /upload limit/,
      },
      {
        name: 'rocket.jpg',
        bytes: await readFile(PHOTOS.rocket),
        code: 'BAD_USER_INPUT',
        message: /pixel/i,
      },
    ];
    for (const item of cases) {
      const result = await uploadBytes(server.url, item.bytes, item.name);
      const error = result.errors?.[0];
      assert.ok(error, `${item.name}: expected an error`);
      assert.equal(error.extensions?.code, item.code, `${item.name}: ${error.message}`);
      assert.match(error.message, item.message, item.name);
    }
    const withoutPreflight = await uploadBytes(server.url, chelsea, 'chelsea.png', 'image/png', {});
    assert.equal(
      withoutPreflight.status,
      400,
      'CSRF prevention refuses a multipart request without the preflight header',
    );

    const { images } = await gqlOk(server.url, '{ images { totalCount } }');
    assert.equal(images.totalCount, 0);
    const stored = await readdir(join(testServer.dataDir, 'files', 'images')).catch(() => []);
    assert.deepEqual(stored, []);

    imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
  });

  test('every invalid createRun argument is BAD_USER_INPUT naming the field', async () => {
    const valid = { model: 'taef2', imageIds, steps: 4, width: 128, height: 128 };
    const cases: { input: Record<string, unknown>; field: string }[] = [
      { input: { ...valid, model: 'no-such-model' }, field: 'model' },
      { input: { ...valid, steps: 1 }, field: 'steps' },
      { input: { ...valid, steps: 100_000 }, field: 'steps' },
      {
        input: { ...valid, imageIds: [imageIds[0], '00000000-0000-4000-8000-000000000000'] },
        field: 'imageIds',
      },
      { input: { ...valid, imageIds: ['not-an-id', imageIds[0]] }, field: 'imageIds' },
      { input: { ...valid, imageIds: [imageIds[0]] }, field: 'imageIds' },
      { input: { ...valid, width: 100 }, field: 'width' },
      { input: { ...valid, height: 0 }, field: 'height' },
      { input: { ...valid, width: 100_000 }, field: 'width' },
      { input: { ...valid, noise: { level: 'NaN' } }, field: 'level' },
      { input: { ...valid, noise: { level: -1 } }, field: 'level' },
      { input: { ...valid, seed: -5 }, field: 'seed' },
      { input: { ...valid, presetId: '00000000-0000-4000-8000-000000000000' }, field: 'presetId' },
      { input: { ...valid, method: 'CUBIC' }, field: 'method' },
      { input: { ...valid, tags: ['x'.repeat(500)] }, field: 'tags' },
    ];
    for (const { input, field } of cases) {
      const result = await gql(server.url, CREATE_RUN, { input });
      const error = result.errors?.[0];
      assert.ok(error, `expected an error for ${JSON.stringify(input)}`);
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT', `${field}: ${error.message}`);
      assert.ok(error.message.includes(field), `message names ${field}: ${error.message}`);
    }
    const { runs } = await gqlOk(server.url, '{ runs { totalCount } }');
    assert.equal(runs.totalCount, 0, 'no invalid run was stored');
  });

  test('malformed, unknown, oversized requests get errors and the server stays up', async () => {
    const parse = await gql(server.url, '{ runs { totalCount ');
    assert.equal(parse.status, 400);
    assert.equal(parse.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');

    const unknown = await gql(server.url, '{ runs { noSuchField } }');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    for (const response of [parse, unknown]) {
      assert.ok(
        !JSON.stringify(response.errors).includes('stacktrace'),
        'no stack trace reaches the client',
      );
    }

    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: noisePresets { id }`).join(' ');
    const manyAliases = await gql(server.url, `{ ${aliases} }`);
    assert.equal(manyAliases.status, 400);
    assert.match(manyAliases.errors?.[0]?.message ?? '', /[Aa]liases/);

    const tokens = await gql(
      server.url,
      `{ ${Array.from({ length: 3000 }, () => '__typename').join(' ')} }`,
    );
    assert.match(tokens.errors?.[0]?.message ?? '', /tokens/);

    const body = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(body.status, 413);
    assert.equal(
      ((await body.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
        .code,
      'PAYLOAD_TOO_LARGE',
    );

    const json = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{ not json',
    });
    assert.equal(json.status, 400);

    const missing = await gql(server.url, 'query ($id: ID!) { run(id: $id) { id } }', {
      id: 'nope',
    });
    assert.equal(missing.data?.run, null);
    const cancel = await gql(
      server.url,
      'mutation { cancelRun(id: "00000000-0000-4000-8000-000000000000") { id } }',
    );
    assert.equal(cancel.errors?.[0]?.extensions?.code, 'NOT_FOUND');

    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
  });

  test('files outside images and frames are not served; without the dashboard / says how to build it', async () => {
    for (const path of [
      '/files/latents/taef2/x.f32',
      '/files/images/00/missing.png',
      '/files/..%2F..%2Fetc%2Fpasswd.png',
    ]) {
      const response = await fetch(server.url + path, { headers: authHeaders(server.url) });
      assert.equal(response.status, 404, path);
    }
    const home = await fetch(`${server.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await home.text(), /npm run build:web/);
  });

  test('the same limits and errors apply on the WebSocket path', async () => {
    const client = wsClient(server.url);
    const subscribe = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<unknown>((resolve) => {
        client.subscribe(
          { query, variables },
          {
            next: (result) => resolve(result.errors),
            error: (error) => resolve(error),
            complete: () => resolve(undefined),
          },
        );
      });
    try {
      const notFound = (await subscribe(PROGRESS_SUBSCRIPTION, {
        runId: '00000000-0000-4000-8000-000000000000',
      })) as {
        extensions?: { code?: string };
      }[];
      assert.equal(notFound[0]?.extensions?.code, 'NOT_FOUND');
      const unknown = (await subscribe('subscription { runUpdates { nope } }')) as {
        message: string;
      }[];
      assert.match(unknown[0]!.message, /nope/);
      const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: runId`).join(' ');
      const tooMany = (await subscribe(`subscription { runUpdates { ${aliases} } }`)) as {
        message: string;
      }[];
      assert.match(tooMany[0]!.message, /[Aa]liases/);
      const tokens = (await subscribe(
        `subscription { runUpdates { ${'runId '.repeat(3000)} } }`,
      )) as { message: string }[];
      assert.match(tokens[0]!.message, /tokens/);
    } finally {
      await client.dispose();
    }
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
  });
});

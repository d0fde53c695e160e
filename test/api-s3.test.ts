// The whole API on an S3-protocol store (s3rver): uploads, frames written by the render thread,
// cached latents and built downloads all go to the bucket, nothing to the local folder, and
// deleting a run or an image leaves nothing of it in the bucket.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  authHeaders,
  createRun,
  gqlOk,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';
import { startTestS3, type TestS3 } from './helpers/s3.ts';

describe('object storage (s3rver)', () => {
  let s3: TestS3;
  let testServer: TestServer;
  let server: RunningServer;

  before(async () => {
    s3 = await startTestS3();
    testServer = await startTestServer({
      name: 's3',
      workerInProcess: true,
      storage: { kind: 's3', ...s3.options },
    });
    server = testServer.server;
  });

  after(async () => {
    await testServer?.close();
    await s3?.close();
  });

  test('a run stores uploads, frames, latents and downloads in the bucket and nothing locally', async () => {
    const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
    const input = { model: 'taef2', imageIds, steps: 3, width: 64, height: 64, seed: 5 };
    const run = await createRun(server.url, input);
    const events = await watchRun(server.url, run.id);
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    const frame = events.find((event) => event.kind === 'FRAME');
    const served = await fetch(server.url + frame!.url);
    assert.equal(served.status, 200, `${frame!.url}: ${await served.clone().text()}`);
    assert.equal(served.headers.get('content-type'), 'image/png');
    const zip = await fetch(`${server.url}/runs/${run.id}/frames.zip`, {
      headers: authHeaders(server.url),
    });
    assert.equal(zip.status, 200);
    await zip.arrayBuffer();

    const keys = await s3.listKeys();
    // Each image and each frame with its thumbnail, made by the upload and the render thread.
    assert.equal(keys.filter((key) => key.startsWith('images/')).length, 4);
    assert.equal(keys.filter((key) => key.endsWith('.thumb.webp')).length, 2);
    assert.equal(keys.filter((key) => key.startsWith(`frames/${run.id}/`)).length, 6);
    assert.equal(keys.filter((key) => key.startsWith(`frames/${run.id}/thumbs/`)).length, 3);
    assert.equal(keys.filter((key) => key.startsWith('latents/')).length, 2);
    assert.ok(keys.some((key) => key.startsWith(`artifacts/${run.id}/`)));
    assert.equal(existsSync(join(testServer.dataDir, 'files')), false, 'nothing under DATA_DIR');

    await gqlOk(server.url, 'mutation ($id: ID!) { deleteRun(id: $id) }', { id: run.id });
    assert.deepEqual(await s3.listKeys(`frames/${run.id}/`), []);
    assert.deepEqual(await s3.listKeys(`artifacts/${run.id}/`), []);
    for (const id of imageIds) {
      await gqlOk(server.url, 'mutation ($id: ID!) { deleteImage(id: $id) }', { id });
    }
    assert.deepEqual(await s3.listKeys('images/'), []);
  });
});

// A run's keyframe encode time is recorded where the encode happens: on the run's first render,
// and kept when that render is handed back after a frame and another render finishes the run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  atFrame,
  createRun,
  gqlOk,
  startTestServer,
  uploadPhotos,
  watchRun,
  wsClient,
  type TestServer,
} from './helpers/api.ts';

const TIMINGS = `query ($id: ID!) { run(id: $id) { status framesDone encodeMs totalMs } }`;

describe('run timings (postgres)', () => {
  let testServer: TestServer;
  let imageIds: string[];

  before(async () => {
    testServer = await startTestServer({ name: 'runtimings', workerInProcess: true });
    imageIds = await uploadPhotos(testServer.server.url, ['chelsea', 'coffee']);
  });
  after(async () => {
    await testServer?.close();
  });

  async function timings(runId: string) {
    return (await gqlOk(testServer.server.url, TIMINGS, { id: runId })).run as {
      status: string;
      framesDone: number;
      encodeMs: number | null;
      totalMs: number | null;
    };
  }

  test("the first run of a server records its keyframes' encode time", async () => {
    const url = testServer.server.url;
    const run = await createRun(url, { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 });
    await watchRun(url, String(run.id));
    const { status, encodeMs, totalMs } = await timings(String(run.id));
    assert.equal(status, 'SUCCEEDED');
    assert.equal(typeof encodeMs, 'number');
    assert.ok(encodeMs! > 0, `encodeMs ${encodeMs}: the keyframes were encoded for this run`);
    assert.equal(typeof totalMs, 'number');
  });

  test('a run handed back after its first frame keeps the encode time of the render that encoded', async () => {
    const steps = 40;
    const url = testServer.server.url;
    // 72x72: a size no earlier run encoded, so this run's first render encodes its keyframes.
    const run = await createRun(url, { model: 'taef2', imageIds, steps, width: 72, height: 72 });
    const runId = String(run.id);
    const client = wsClient(url);
    let stopped: Promise<unknown> = Promise.resolve();
    try {
      // Stopping the server's worker hands the run back after its current frame.
      await atFrame(client, runId, 0, () => {
        stopped = testServer.restart({ workerInProcess: false });
      });
    } finally {
      await client.dispose();
    }
    await stopped;
    const interrupted = await timings(runId);
    assert.equal(interrupted.status, 'RUNNING');
    assert.ok(interrupted.framesDone < steps, `handed back at ${interrupted.framesDone} frames`);

    const resumed = await testServer.restart({ workerInProcess: true });
    await watchRun(resumed.url, runId);
    const { status, framesDone, encodeMs } = await timings(runId);
    assert.equal(status, 'SUCCEEDED');
    assert.equal(framesDone, steps);
    assert.equal(typeof encodeMs, 'number', 'the encode time survives the hand-back');
    assert.ok(encodeMs! > 0);
  });
});

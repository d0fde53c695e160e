// A worker that ends a render job looks for the next one at once, not at its next poll: a sweep
// queues many runs together, and small ones each took the polling interval (2 s) however fast
// they rendered. With a poll of an hour, two runs queued before the worker started both render.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createRun,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';

describe('a worker takes the next queued run when one ends', () => {
  let testServer: TestServer;

  before(async () => {
    testServer = await startTestServer({ name: 'nextjob', renderJobPollSeconds: 3600 });
  });
  after(async () => {
    await testServer?.close();
  });

  test(
    'two runs queued before the worker started both render, though it polls hourly',
    { timeout: 120_000 },
    async () => {
      const imageIds = await uploadPhotos(testServer.server.url, ['chelsea', 'coffee']);
      const input = { model: 'taef2', imageIds, steps: 2, width: 32, height: 32 };
      // No worker yet: both stay queued, and their 'queued' notices reach nobody.
      const runs = [
        await createRun(testServer.server.url, input),
        await createRun(testServer.server.url, input),
      ];
      // A worker's first fetch is at its start; the second run can only be taken when the first ends.
      const server = await testServer.restart({ workerInProcess: true });
      for (const run of runs) {
        const events = await watchRun(server.url, String(run.id));
        assert.equal(events.at(-1)?.status, 'SUCCEEDED');
      }
    },
  );
});

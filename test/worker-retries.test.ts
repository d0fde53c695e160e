// A run whose render job uses all its retries ends FAILED with a message that says why, instead of
// staying RUNNING for good: pg-boss moves the job to its dead letter queue, where a worker fails
// the run. Here every try is handed back, because the test holds the run's lock (as a live worker
// rendering it would); RENDER_JOB_RETRY_LIMIT=2 makes three tries the end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdvisoryRunLocks } from '../apps/server/src/jobs/locks.ts';
import {
  createRun,
  gqlOk,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';

describe('a run whose render job uses all its retries', () => {
  let testServer: TestServer;
  let locks: AdvisoryRunLocks;

  before(async () => {
    testServer = await startTestServer({
      name: 'retries',
      renderJobRetryLimit: 2,
      renderJobPollSeconds: 1,
    });
    locks = await AdvisoryRunLocks.connect(testServer.database.url);
  });
  after(async () => {
    await locks?.close();
    await testServer?.close();
  });

  test(
    'ends FAILED with a message that says so, having rendered nothing',
    { timeout: 120_000 },
    async () => {
      const imageIds = await uploadPhotos(testServer.server.url, ['chelsea', 'coffee']);
      // No worker yet: the run is queued, and its lock is taken before any worker can take it.
      const run = await createRun(testServer.server.url, {
        model: 'taef2',
        imageIds,
        steps: 2,
        width: 32,
        height: 32,
      });
      const release = await locks.tryAcquire(String(run.id));
      assert.ok(release, 'the test holds the run');
      try {
        const server = await testServer.restart({ workerInProcess: true });
        const events = await watchRun(server.url, String(run.id));
        const final = events.at(-1)!;
        assert.equal(final.status, 'FAILED');
        assert.match(final.error ?? '', /interrupted too many times/);
        assert.equal(events.filter((event) => event.kind === 'FRAME').length, 0);
        const { run: stored } = await gqlOk(
          server.url,
          'query ($id: ID!) { run(id: $id) { status error framesDone } }',
          { id: run.id },
        );
        assert.deepEqual(
          { status: stored.status, framesDone: stored.framesDone },
          { status: 'FAILED', framesDone: 0 },
        );
      } finally {
        await release();
      }
    },
  );
});

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
  joinWorkspace,
  PROGRESS_SUBSCRIPTION,
  wsClient,
  type ProgressEvent,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';
import { sample } from './helpers/metrics.ts';

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
  test(
    'three runs retried out at once on two worker slots, beside one that renders and a member removed while watching: each held run fails once, the others render, the socket closes with 4403',
    { timeout: 180_000 },
    async () => {
      // Queued with no worker (retry limit 2): three held, one free.
      let server = await testServer.restart({});
      const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
      const input = { model: 'taef2', imageIds, steps: 2, width: 32, height: 32 };
      const held = [];
      for (let i = 0; i < 3; i++) held.push(String((await createRun(server.url, input)).id));
      const free = String((await createRun(server.url, input)).id);
      const releases = await Promise.all(held.map((id) => locks.tryAcquire(id)));
      // One more, its job sent with a retry limit that outlasts the test: held, it is handed back
      // for as long as the test holds it, so the member below watches a run that is still going.
      server = await testServer.restart({ renderJobRetryLimit: 1000 });
      const watched = String((await createRun(server.url, input)).id);
      const releaseWatched = await locks.tryAcquire(watched);
      assert.ok(releases.every(Boolean) && releaseWatched, 'the test holds four runs');

      server = await testServer.restart({ workerInProcess: true, workerConcurrency: 2 });
      const ended = await Promise.all([...held, free].map((id) => watchRun(server.url, id)));
      for (const events of ended.slice(0, 3)) {
        assert.equal(events.at(-1)?.status, 'FAILED');
        assert.match(events.at(-1)?.error ?? '', /interrupted too many times/);
      }
      assert.equal(ended[3]!.at(-1)?.status, 'SUCCEEDED', 'the run nobody held renders');
      const metrics = await (await fetch(new URL('/metrics', server.url))).text();
      assert.equal(
        sample(metrics, 'latent_lab_runs_finished_total', 'status="FAILED"'),
        3,
        'each held run failed once',
      );

      // A member watches the run still being handed back, and is removed.
      const workspaceId = (await gqlOk(server.url, '{ me { workspaces { id } } }')).me.workspaces[0]
        .id as string;
      const person = await joinWorkspace(server.url, workspaceId, 'MEMBER');
      const memberClient = wsClient(server.url, { token: person.token, workspaceId });
      const seen: ProgressEvent[] = [];
      let live!: () => void;
      const subscribed = new Promise<void>((resolve) => (live = resolve));
      const closed = new Promise<number>((resolve) =>
        memberClient.subscribe<{ runProgress: ProgressEvent }>(
          { query: PROGRESS_SUBSCRIPTION, variables: { runId: watched } },
          {
            next: (result) => {
              if (result.data) seen.push(result.data.runProgress);
              live();
            },
            error: (error) => resolve((error as { code?: number }).code ?? -1),
            complete: () => resolve(0),
          },
        ),
      );
      await subscribed;
      await gqlOk(
        server.url,
        'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }',
        { w: workspaceId, u: person.user.id },
      );
      assert.equal(await closed, 4403);
      await memberClient.dispose();

      // Let go: the run renders for the owner; the removed member saw none of its frames.
      await releaseWatched!();
      const events = await watchRun(server.url, watched);
      assert.equal(events.at(-1)?.status, 'SUCCEEDED');
      assert.deepEqual(
        seen.filter((event) => event.kind === 'FRAME'),
        [],
      );
      for (const release of releases) await release!();
    },
  );
});

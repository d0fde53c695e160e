// One job per run, kept alive by pg-boss heartbeats: a run that renders for longer than its
// heartbeat interval keeps the job it started with until SUCCEEDED (no time slices, no retries),
// and the run of a worker killed with SIGKILL is retried under the same job id by another worker,
// which completes it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { RunningServer } from '../apps/server/src/index.ts';
import { RENDER_QUEUE } from '../apps/server/src/jobs/queue.ts';
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
import { stopProcess, WorkerProcesses } from './helpers/cluster.ts';

const HEARTBEAT_SECONDS = 10;

interface RenderJobRow {
  id: string;
  state: string;
  retry_count: number;
  heartbeat_seconds: number | null;
  /** Seconds from the job's (last) start to its completion. */
  active_seconds: number | null;
}

/** pg-boss's rows for a run's render jobs, read from its job table. */
async function renderJobsOf(databaseUrl: string, runId: string): Promise<RenderJobRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<RenderJobRow>(
      `SELECT id, state, retry_count, heartbeat_seconds,
              extract(epoch FROM completed_on - started_on)::float AS active_seconds
         FROM pgboss.job WHERE name = $1 AND data->>'runId' = $2 ORDER BY created_on`,
      [RENDER_QUEUE, runId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('render jobs with heartbeats (postgres, worker processes)', () => {
  let testServer: TestServer;
  let server: RunningServer;
  let imageIds: string[];
  let workers: WorkerProcesses;

  before(async () => {
    testServer = await startTestServer({
      name: 'heartbeat',
      renderJobHeartbeatSeconds: HEARTBEAT_SECONDS,
    });
    server = testServer.server;
    workers = new WorkerProcesses({
      ...process.env,
      DATABASE_URL: testServer.database.url,
      DATA_DIR: testServer.dataDir,
      MIGRATE_ON_START: 'false',
      RENDER_JOB_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
      INTRA_OP_THREADS: '1',
    });
    imageIds = await uploadPhotos(server.url, ['astronaut', 'coffee']);
  });

  after(async () => {
    await workers?.killAll();
    await testServer?.close();
  });

  test('a run that renders for longer than its heartbeat interval keeps one job from start to SUCCEEDED', async () => {
    const worker = workers.start();
    // Enough work to outlast the heartbeat interval on a fast idle machine too: fp32 (about 4x
    // int8's time) at 384x384 with the decoder in tiles. The precondition below checks it.
    const input = { model: 'taef2', imageIds, steps: 40, width: 384, height: 384, seed: 11 };
    const run = await createRun(server.url, { ...input, precision: 'FP32' });
    try {
      const events = await watchRun(server.url, run.id);
      assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    } finally {
      // Stopped whatever the outcome: a worker left running would take the next test's job.
      await stopProcess(worker, 'SIGTERM');
    }
    const jobs = await renderJobsOf(testServer.database.url, run.id);
    assert.equal(jobs.length, 1, 'one job for the whole run');
    const [job] = jobs;
    assert.equal(job!.state, 'completed');
    assert.equal(job!.retry_count, 0, 'never failed, expired or handed on');
    assert.equal(job!.heartbeat_seconds, HEARTBEAT_SECONDS);
    // The precondition that makes this test mean something: the job stayed active for longer
    // than its heartbeat interval, so it lived on refreshed heartbeats.
    assert.ok(
      job!.active_seconds! > HEARTBEAT_SECONDS,
      `the run rendered for ${job!.active_seconds} s, more than one heartbeat interval`,
    );
  });

  test('a SIGKILLed worker’s run is retried under the same job by another worker and completes', async () => {
    const steps = 24;
    const first = workers.start();
    // fp32 at 256x256: the kill at frame 2 comes long before the last frame.
    const input = { model: 'taef2', imageIds, steps, width: 256, height: 256, seed: 12 };
    const run = await createRun(server.url, { ...input, precision: 'FP32' });
    const client = wsClient(server.url);
    try {
      await atFrame(client, run.id, 2, () => first.kill('SIGKILL'));
      await once(first, 'exit').catch(() => {});
      const [killedJob] = await renderJobsOf(testServer.database.url, run.id);
      assert.equal(killedJob?.state, 'active', 'the dead worker’s job is still active');

      const second = workers.start();
      const events = await watchRun(server.url, run.id);
      assert.equal(events.at(-1)?.status, 'SUCCEEDED');
      const { run: done } = await gqlOk(
        server.url,
        'query ($id: ID!) { run(id: $id) { status framesDone } }',
        { id: run.id },
      );
      assert.equal(done.framesDone, steps);

      const jobs = await renderJobsOf(testServer.database.url, run.id);
      assert.deepEqual(
        jobs.map((job) => [job.id, job.state, job.retry_count]),
        [[killedJob!.id, 'completed', 1]],
        'the same job, retried once after its heartbeat stopped',
      );
      await stopProcess(second, 'SIGTERM');
    } finally {
      await client.dispose();
    }
  });
});

// /metrics, /livez and /readyz scraped over HTTP from a running API process and a worker-only
// process (METRICS_PORT): the series exist, and the counters, histograms and gauges moved after a
// run went through them. Readiness reports pending migrations on a database that has none applied.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ReadinessChecks } from '../apps/server/src/health/probes.ts';
import { openDatabase } from '@latent-lab/db';
import { openStorage } from '@latent-lab/storage';
import pg from 'pg';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  createRun,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';
import { freePort, startWorkerProcess, stopProcess } from './helpers/cluster.ts';
import { sample } from './helpers/metrics.ts';
import { createTestDatabase } from './helpers/postgres.ts';

async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(new URL('/metrics', baseUrl));
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  return response.text();
}

describe('metrics and probes over HTTP', () => {
  let testServer: TestServer;
  let server: RunningServer;
  let worker: ChildProcess;
  let workerUrl: string;

  before(async () => {
    testServer = await startTestServer({ name: 'metrics' });
    server = testServer.server;
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}`;
    worker = startWorkerProcess({
      ...process.env,
      DATABASE_URL: testServer.database.url,
      DATA_DIR: testServer.dataDir,
      MIGRATE_ON_START: 'false',
      METRICS_PORT: String(port),
      HOST: '127.0.0.1',
    });
    // The worker's listener starts after its runtime has opened: wait until it answers.
    for (;;) {
      assert.equal(worker.exitCode, null, 'the worker is running');
      const live = await fetch(new URL('/livez', workerUrl)).catch(() => null);
      if (live?.status === 200) break;
      await delay(200);
    }
  });

  after(async () => {
    if (worker) await stopProcess(worker, 'SIGKILL');
    await testServer?.close();
  });

  test('liveness and readiness answer on the API and the worker', async () => {
    for (const base of [server.url, workerUrl]) {
      assert.equal((await fetch(new URL('/livez', base))).status, 200);
      const ready = await fetch(new URL('/readyz', base));
      assert.equal(ready.status, 200);
      assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
        database: 'ok',
        migrations: 'ok',
        storage: 'ok',
      });
    }
    assert.equal((await fetch(new URL('/health', server.url))).status, 200, '/health stays');
  });

  test('readiness fails while migrations are pending', async () => {
    // A migrated database that then loses the record of its latest migration: one is pending.
    const database = await createTestDatabase('latentlab_unmigrated');
    try {
      const db = await openDatabase({ databaseUrl: database.url, dataDir: testServer.dataDir });
      try {
        const readiness = new ReadinessChecks(
          db,
          openStorage({ kind: 'local', root: testServer.dataDir }),
        );
        assert.equal((await readiness.readiness()).ready, true);
        const admin = new pg.Client({ connectionString: database.url });
        await admin.connect();
        await admin.query(
          'DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)',
        );
        await admin.end();
        const result = await new ReadinessChecks(
          db,
          openStorage({ kind: 'local', root: testServer.dataDir }),
        ).readiness();
        assert.equal(result.ready, false);
        assert.match(result.checks.migrations, /^1 pending: /);
        assert.equal(result.checks.database, 'ok');
        assert.equal(result.checks.storage, 'ok');
      } finally {
        await db.close();
      }
    } finally {
      await database.drop();
    }
  });

  test('a run moves the counters, histograms and gauges', async () => {
    const before = { api: await scrape(server.url), worker: await scrape(workerUrl) };
    for (const name of [
      'latent_lab_queue_depth',
      'latent_lab_runs',
      'latent_lab_websockets_open',
      'latent_lab_subscriptions_active',
      'latent_lab_db_pool_connections',
      'process_cpu_seconds_total',
    ])
      assert.match(before.api, new RegExp(`^# TYPE ${name} `, 'm'), `the API exports ${name}`);
    assert.equal(sample(before.worker, 'latent_lab_frames_rendered_total'), Number.NaN);
    // Renders held back by a slow store (see FRAMES_AHEAD): a counter from the start.
    assert.match(before.worker, /^# TYPE latent_lab_render_store_waits_total counter$/m);
    assert.equal(sample(before.worker, 'latent_lab_render_store_waits_total'), 0);

    const imageIds = await uploadPhotos(server.url, ['astronaut', 'coffee']);
    const steps = 4;
    const input = { model: 'taef2', imageIds, steps, width: 64, height: 64, seed: 5 };
    const run = await createRun(server.url, input);
    let during: Promise<string> | undefined;
    const events = await watchRun(server.url, run.id, (event) => {
      // Scraped while the watching socket and its subscription are open.
      if (event.kind === 'FRAME' && !during) during = scrape(server.url);
    });
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    const open = await during!;
    assert.ok(sample(open, 'latent_lab_websockets_open') >= 1, 'the open socket is counted');
    assert.ok(sample(open, 'latent_lab_subscriptions_active') >= 1, 'its subscription is counted');

    const after = { api: await scrape(server.url), worker: await scrape(workerUrl) };
    const labels = 'model="taef2",size="64x64",precision="auto"';
    assert.equal(sample(after.worker, 'latent_lab_frames_rendered_total', 'model="taef2"'), steps);
    assert.equal(sample(after.worker, 'latent_lab_frame_decode_seconds_count', labels), steps);
    assert.equal(sample(after.worker, 'latent_lab_keyframe_encode_seconds_count', labels), 1);
    assert.equal(sample(after.worker, 'latent_lab_runs_finished_total', 'status="SUCCEEDED"'), 1);
    // Both processes read the shared gauges from the database.
    for (const text of [after.api, after.worker])
      assert.equal(sample(text, 'latent_lab_runs', 'status="SUCCEEDED"'), 1);
    // The run's one job: active until pg-boss records the handler's return, then completed.
    const jobStates = ['created', 'retry', 'active', 'completed'].map(
      (state) => sample(after.api, 'latent_lab_queue_jobs', `state="${state}"`) || 0,
    );
    assert.equal(
      jobStates.reduce((sum, count) => sum + count, 0),
      1,
    );
    assert.equal(sample(after.api, 'latent_lab_queue_depth'), 0);
    const graphql = 'operation="mutation",outcome="ok"';
    assert.ok(
      sample(after.api, 'latent_lab_graphql_operation_duration_seconds_count', graphql) >
        (sample(before.api, 'latent_lab_graphql_operation_duration_seconds_count', graphql) || 0),
      'GraphQL latency counted the createRun mutation',
    );
    assert.ok(
      sample(
        after.api,
        'latent_lab_http_request_duration_seconds_count',
        'method="POST",route="/graphql",status="200"',
      ) > 0,
      'HTTP latency counted the /graphql requests by route',
    );
  });
});

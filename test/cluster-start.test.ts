// Processes started together with default settings (MIGRATE_ON_START=true) on a database that is
// already migrated: each one looks for pending migrations before taking Prisma's migration lock,
// so none queues for the lock (whose 10 s timeout used to make one exit) and all come up.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { heartbeatProblem } from '../apps/server/src/health/heartbeat.ts';
import {
  freePort,
  migrateOnce,
  startApiProcess,
  startWorkerProcess,
  stopProcess,
} from './helpers/cluster.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

let database: TestDatabase;
let dir: string;
const children: ChildProcess[] = [];

before(async () => {
  database = await createTestDatabase('latentlab_start');
  dir = await mkdtemp(join(tmpdir(), 'latent-lab-start-'));
  await migrateOnce({ ...process.env, DATABASE_URL: database.url, DATA_DIR: dir });
});

after(async () => {
  for (const child of children) await stopProcess(child, 'SIGKILL');
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves once the worker's heartbeat file reports it healthy; fails if the worker exits first. */
async function workerHealthy(child: ChildProcess, file: string): Promise<void> {
  while ((await heartbeatProblem(file, 60_000)) !== null) {
    assert.equal(child.exitCode, null, 'the worker exited before it was healthy');
    await delay(200);
  }
}

test('2 APIs and 2 workers started together with default settings all come up', async () => {
  // Default settings: MIGRATE_ON_START is left unset (true).
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, DATA_DIR: dir };
  delete env.MIGRATE_ON_START;
  const heartbeats = [join(dir, 'worker-0.heartbeat'), join(dir, 'worker-1.heartbeat')];
  const workers = heartbeats.map((file) =>
    startWorkerProcess({ ...env, WORKER_HEARTBEAT_FILE: file }),
  );
  children.push(...workers);
  const apis = await Promise.all([
    freePort().then((port) => startApiProcess(env, port)),
    freePort().then((port) => startApiProcess(env, port)),
  ]);
  children.push(...apis.map((api) => api.child));
  await Promise.all(workers.map((worker, i) => workerHealthy(worker, heartbeats[i]!)));

  for (const api of apis) {
    const response = await fetch(new URL('/health', api.url));
    assert.equal(response.status, 200);
  }
  for (const child of children) assert.equal(child.exitCode, null, 'every process still runs');
});

// A worker's container health check reports the worker itself: a real worker process writes its
// heartbeat file (WORKER_HEARTBEAT_FILE) after checking its database connection, the check
// command (the one docker-compose.yml runs) passes while it lives and fails once it has stopped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { heartbeatProblem, startHeartbeat } from '../apps/server/src/health/heartbeat.ts';
import { REPO_DIR } from './helpers/api.ts';
import { spawnTsx, stopProcess, waitForFile, type Exit } from './helpers/cluster.ts';
import { useDatabaseAndDataDir } from './helpers/postgres.ts';

const CHECK = join(REPO_DIR, 'apps/server/src/health/check-heartbeat.ts');
const scratch = useDatabaseAndDataDir('health');

function runCheck(file: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CHECK, file, '30'], {
    cwd: REPO_DIR,
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

test('a worker process beats while it runs and its health check fails after it stops', async () => {
  const file = join(scratch.dataDir, 'worker.heartbeat');
  const child = spawnTsx(
    'apps/server/src/worker.ts',
    {
      ...process.env,
      DATABASE_URL: scratch.database.url,
      DATA_DIR: scratch.dataDir,
      WORKER_HEARTBEAT_FILE: file,
      INTRA_OP_THREADS: '1',
      LOG_LEVEL: 'warn',
    },
    'inherit',
  );
  let exit: Exit;
  try {
    await waitForFile(file, child);
    assert.deepEqual(runCheck(file), { status: 0, stderr: '' });
  } finally {
    exit = await stopProcess(child, 'SIGTERM');
  }
  assert.equal(exit.code, 0, 'the worker stopped cleanly');
  const stopped = runCheck(file);
  assert.equal(stopped.status, 1);
  assert.match(stopped.stderr, /no heartbeat/);
});

test('a failed check, an old beat or a damaged file is unhealthy', async () => {
  const file = join(scratch.dataDir, 'unit.heartbeat');
  const heartbeat = await startHeartbeat({ file, intervalMs: 60_000, check: async () => {} });
  const now = Date.now();
  assert.equal(await heartbeatProblem(file, 30_000, now), null);
  assert.match(
    (await heartbeatProblem(file, 30_000, now + 31_000)) ?? '',
    /last heartbeat 3\d s ago/,
    'a beat older than the limit',
  );
  await heartbeat.stop();
  assert.match((await heartbeatProblem(file, 30_000)) ?? '', /no heartbeat/);

  const unhealthy = await startHeartbeat({
    file,
    intervalMs: 60_000,
    check: async () => {
      throw new Error('database unreachable');
    },
  });
  assert.match((await heartbeatProblem(file, 30_000)) ?? '', /unhealthy: database unreachable/);
  assert.equal(runCheck(file).status, 1);
  await unhealthy.stop();

  await writeFile(file, 'not json');
  assert.match((await heartbeatProblem(file, 30_000)) ?? '', /no heartbeat/);
});

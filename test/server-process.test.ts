// `npm start`'s entry point as a real process: it serves, then shuts down cleanly on SIGTERM and
// SIGINT (Apollo's own signal handling once left this shutdown hanging).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { listeningUrl, spawnTsx, stopProcess } from './helpers/cluster.ts';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'latent-lab-process-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`the server process exits with code 0 on ${signal}`, async () => {
    const child = spawnTsx(
      'apps/server/src/main.ts',
      {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        SERVE_DASHBOARD: 'false',
        LOG_LEVEL: 'info',
      },
      'pipe',
    );
    const url = await listeningUrl(child);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    // A hung shutdown is killed after a grace period (stopProcess): the test then fails.
    const exit = await stopProcess(child, signal);
    assert.equal(exit.signal, null, 'the process was not killed');
    assert.equal(exit.code, 0);
  });
}

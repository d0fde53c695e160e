// `npm start`'s entry point as a real process: it serves, then shuts down cleanly on SIGTERM and
// SIGINT (Apollo's own signal handling once left this shutdown hanging).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { REPO_DIR } from './helpers/api.ts';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'latent-lab-process-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`the server process exits with code 0 on ${signal}`, async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_DIR, 'apps/server/src/main.ts')],
      {
        cwd: REPO_DIR,
        env: {
          ...process.env,
          PORT: '0',
          HOST: '127.0.0.1',
          DATABASE_URL: '',
          DATA_DIR: dataDir,
          SERVE_DASHBOARD: 'false',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = once(child, 'exit');
    let url: string | undefined;
    for await (const line of createInterface({ input: child.stdout! })) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'server listening') {
        url = entry.url;
        break;
      }
    }
    assert.ok(url, 'the server logged its URL');
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    child.kill(signal);
    // A hung shutdown fails the test instead of hanging the suite.
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, killedBy] = await exited;
    clearTimeout(timeout);
    assert.equal(killedBy, null, 'the process was not killed');
    assert.equal(code, 0);
  });
}

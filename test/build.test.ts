// The production build (npm run build) as the Dockerfile runs it: the compiled migration, API and
// worker start with plain node (no tsx, no TypeScript loader) on a fresh PostgreSQL database, serve,
// report healthy and stop cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { COMPILED_WORKSPACES, REPO_DIR } from './helpers/api.ts';
import { listeningUrl, spawnNode, stopProcess, waitForFile } from './helpers/cluster.ts';
import { useDatabaseAndDataDir } from './helpers/postgres.ts';

/** Plain node with the condition under which workspaces export their dist/ (as in the image). */
const DIST = '--conditions=latent-lab-dist';
const scratch = useDatabaseAndDataDir('build');

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Nothing of the test runner's loader (tsx) reaches the compiled processes.
  const { NODE_OPTIONS: _options, ...rest } = process.env;
  return {
    ...rest,
    DATABASE_URL: scratch.database.url,
    DATA_DIR: scratch.dataDir,
    LOG_LEVEL: 'info',
    INTRA_OP_THREADS: '1',
    ...extra,
  };
}

async function jsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.m?js$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

before(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: REPO_DIR,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
});

test('the compiled output imports no TypeScript and no tsx', async () => {
  for (const workspace of [...COMPILED_WORKSPACES, 'apps/web']) {
    const files = await jsFiles(join(REPO_DIR, workspace, 'dist'));
    assert.ok(files.length > 0, `${workspace}/dist has compiled files`);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      assert.doesNotMatch(text, /(from|import\()\s*["'][^"']+\.ts["']/, `${file} imports a .ts`);
      assert.doesNotMatch(text, /["']tsx(\/[^"']*)?["']/, `${file} imports tsx`);
    }
  }
});

test('the compiled migration, API and worker run with plain node', async () => {
  const migrate = spawnSync(process.execPath, [DIST, 'packages/db/dist/scripts/migrate.js'], {
    cwd: REPO_DIR,
    env: env(),
    encoding: 'utf8',
  });
  assert.equal(migrate.status, 0, migrate.stderr);
  assert.match(migrate.stdout, /migrated/);

  const api = spawnNode(
    [DIST, 'apps/server/dist/main.js'],
    env({ PORT: '0', HOST: '127.0.0.1', WORKER_IN_PROCESS: 'false', SERVE_DASHBOARD: 'false' }),
    'pipe',
  );
  try {
    const url = await listeningUrl(api);
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const models = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ setup { needsOwner } }' }),
    });
    const body = (await models.json()) as { data?: { setup: { needsOwner: boolean } } };
    assert.equal(body.data?.setup.needsOwner, true, 'GraphQL answers from the database');
  } finally {
    const { code } = await stopProcess(api, 'SIGTERM');
    assert.equal(code, 0, 'the API exits cleanly on SIGTERM');
  }

  const heartbeat = join(scratch.dataDir, 'worker.heartbeat');
  const worker = spawnNode(
    [DIST, 'apps/server/dist/worker.js'],
    env({ WORKER_HEARTBEAT_FILE: heartbeat, LOG_LEVEL: 'warn' }),
    'inherit',
  );
  try {
    await waitForFile(heartbeat, worker);
    const check = spawnSync(
      process.execPath,
      [DIST, 'apps/server/dist/health/check-heartbeat.js', heartbeat, '30'],
      { cwd: REPO_DIR, env: env(), encoding: 'utf8' },
    );
    assert.equal(check.status, 0, check.stderr);
  } finally {
    const { code } = await stopProcess(worker, 'SIGTERM');
    assert.equal(code, 0, 'the worker exits cleanly on SIGTERM');
  }
});

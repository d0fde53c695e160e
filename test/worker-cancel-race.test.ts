// A run canceled before a worker picks up its job: the worker finds it no longer QUEUED, says so
// at info level and renders nothing. It is the same path as a cancel that lands between the
// worker's read of the run and its start, so that race is never reported as a failure.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import { loadConfig } from '@latent-lab/config';
import { countFrames, createOrGetImage, createUser, createWorkspace, getRun } from '@latent-lab/db';
import type { Actor } from '@latent-lab/domain';
import pg from 'pg';
import { pino } from 'pino';
import { openRuntime, startWorker, type Runtime } from '../apps/server/src/runtime.ts';
import { createServices } from '../apps/server/src/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

interface LogLine {
  level: number;
  msg: string;
  runId?: string;
}

let database: TestDatabase;
let dataDir: string;
let runtime: Runtime;
const lines: LogLine[] = [];
const waiting: { match: (line: LogLine) => boolean; resolve: () => void }[] = [];

before(async () => {
  database = await createTestDatabase('latentlab_cancel_race');
  dataDir = await mkdtemp(join(tmpdir(), 'latent-lab-cancel-race-'));
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        const line = JSON.parse(chunk.toString()) as LogLine;
        lines.push(line);
        for (const waiter of waiting.filter((w) => w.match(line))) waiter.resolve();
        done();
      },
    }),
  );
  runtime = await openRuntime(
    {
      ...loadConfig({}),
      databaseUrl: database.url,
      dataDir,
      storage: { kind: 'local', root: join(dataDir, 'files') },
      workerInProcess: false,
    },
    log,
  );
});

after(async () => {
  await runtime?.close();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** An owner's actor in a new workspace, and two image records (their files are never read). */
async function workspaceWithImages(label: string): Promise<{ actor: Actor; ids: string[] }> {
  const db = runtime.db.client;
  const user = await createUser(db, {
    email: `${label}@example.com`,
    name: 'Owner',
    passwordHash: 'not-a-real-hash',
  });
  const workspace = await createWorkspace(db, { name: label, ownerId: user.id });
  const actor: Actor = {
    userId: user.id,
    workspaceId: workspace.id,
    role: 'OWNER',
    via: 'session',
    credentialId: randomUUID(),
  };
  const ids = await Promise.all(
    ['a', 'b'].map(async (name) => {
      const { image } = await createOrGetImage(db, {
        workspaceId: workspace.id,
        createdById: user.id,
        sha256: name.repeat(64),
        originalName: `${name}.png`,
        mimeType: 'image/png',
        width: 64,
        height: 64,
        byteSize: 1,
        storageKey: `images/${name}.png`,
      });
      return image.id;
    }),
  );
  return { actor, ids };
}

/** Resolves at the first log line about the run. */
function firstLineAbout(runId: string): Promise<void> {
  return new Promise<void>((resolve) =>
    waiting.push({ match: (line) => line.runId === runId, resolve }),
  );
}

/**
 * Starts a worker, stops it after its first line about the run (stopping waits for every render it
 * began), and checks that line was the information that the run could not start, and no error.
 */
async function pickUpAndStop(runId: string): Promise<void> {
  const pickedUp = firstLineAbout(runId);
  const stopWorker = await startWorker(runtime);
  try {
    await pickedUp;
  } finally {
    await stopWorker();
  }
  assert.deepEqual(
    lines.filter((line) => line.runId === runId).map((line) => [line.level, line.msg]),
    [[30, 'run was canceled before a worker picked it up']],
  );
  assert.equal(lines.filter((line) => line.level >= 50).length, 0, 'no error was logged');
}

/** A queued 3-frame run in a new workspace, and what created it. */
async function queuedRun(workspace: string) {
  const { actor, ids } = await workspaceWithImages(workspace);
  const services = createServices(runtime);
  const run = await services.runs.create(actor, {
    params: { model: 'taef2', keyframes: ids, steps: 3, width: 64, height: 64, seed: 1 },
  });
  return { actor, services, run };
}

test('a cancel before the pick-up is logged as information, and nothing is rendered', async () => {
  const db = runtime.db.client;
  const { actor, services, run } = await queuedRun('canceled');
  await services.runs.cancel(actor, run.id);

  await pickUpAndStop(run.id);
  assert.equal((await getRun(db, run.id))?.status, 'CANCELED');
  assert.equal(await countFrames(db, run.id), 0);
});

test('a run that cannot start after the pick-up stops the render begun alongside, and stores nothing', async () => {
  const db = runtime.db.client;
  const { run } = await queuedRun('refused');
  // The worker reads the run QUEUED and starts its render, then its update to RUNNING matches no
  // row: the same outcome as a cancel landing between the two.
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  try {
    await sql.query(`
      CREATE FUNCTION refuse_start() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'RUNNING' THEN RETURN NULL; END IF;
        RETURN NEW;
      END $$`);
    await sql.query(
      `CREATE TRIGGER refuse_start BEFORE UPDATE ON "Run" FOR EACH ROW
       WHEN (OLD.id = '${run.id}') EXECUTE FUNCTION refuse_start()`,
    );
  } finally {
    await sql.end();
  }
  await pickUpAndStop(run.id);
  assert.equal((await getRun(db, run.id))?.status, 'QUEUED');
  assert.equal(await countFrames(db, run.id), 0);
});

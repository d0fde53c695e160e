// The whole system on one machine: two API processes and three worker processes on one PostgreSQL
// database (migrated once, first) and one s3rver bucket. Three clients create 30 small runs through
// both APIs and follow each through the other API; one worker is killed with SIGKILL and one API
// restarted while runs are in flight. Every run ends SUCCEEDED with exactly its frames, pixel for
// pixel those of the same runs rendered by a single process; every subscriber receives every frame
// once and the final status; nothing is written under any DATA_DIR.
// SCALE_CPU_HOG=1 (as .ci/run sets it) runs a busy loop on every core beside it, started here and
// stopped when the test ends: scheduling must hold on a machine loaded by other work.
import assert from 'node:assert/strict';
import { loadConfig } from '@latent-lab/config';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import sharp from 'sharp';
import {
  collectProgress,
  createRun,
  gqlOk,
  PHOTOS,
  signUp,
  startTestServer,
  uploadPhoto,
  uploadPhotos,
  useToken,
  wsClient,
  type ProgressEvent,
} from './helpers/api.ts';
import {
  freePort,
  migrateOnce,
  startApiProcess,
  startWorkerProcess,
  stopProcess,
  type ApiProcess,
} from './helpers/cluster.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startTestS3, type TestS3 } from './helpers/s3.ts';

const RUNS = 30;
const CLIENTS = 3;

const PROGRESS_FROM = `subscription ($runId: ID!, $fromIndex: Int!) {
  runProgress(runId: $runId, fromIndex: $fromIndex) { kind runId status error index done total }
}`;

function runInput(n: number, imageIds: string[]) {
  return {
    model: 'taef2',
    imageIds,
    steps: 3 + (n % 2),
    width: 64,
    height: 64,
    method: n % 3 === 0 ? 'SLERP' : 'LERP',
    noise: { level: (n % 4) * 0.2 },
    seed: 1000 + n,
    name: `scale ${n}`,
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
}

/** sha256 of a frame's decoded RGBA pixels. */
async function pixelChecksum(url: string): Promise<string> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  const pixels = await sharp(Buffer.from(await response.arrayBuffer()))
    .ensureAlpha()
    .raw()
    .toBuffer();
  return createHash('sha256').update(pixels).digest('hex');
}

async function frameChecksums(apiUrl: string, runId: string): Promise<string[]> {
  const { run } = await gqlOk(
    apiUrl,
    'query ($id: ID!) { run(id: $id) { frames(first: 100) { nodes { index url } } } }',
    { id: runId },
  );
  const nodes = run.frames.nodes as { index: number; url: string }[];
  return Promise.all(nodes.map((frame) => pixelChecksum(new URL(frame.url, apiUrl).toString())));
}

/**
 * What a hang leaves behind, printed when the test times out: each run not ended, with its frames
 * and its job's state and retries in the queue.
 */
async function describeUnfinished(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT r.name, r.status, r."framesDone", j.state, j.retry_count, j.heartbeat_on
         FROM "Run" r LEFT JOIN pgboss.job j ON j.data->>'runId' = r.id::text
        WHERE r.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED') ORDER BY r.name`,
    );
    return rows.map((row) => JSON.stringify(row)).join('\n');
  } finally {
    await client.end();
  }
}

/** One thread per core, each spinning until terminated. */
const CPU_HOG = process.env.SCALE_CPU_HOG === '1';

function startCpuHog(): Worker[] {
  return Array.from(
    { length: availableParallelism() },
    () => new Worker('for (;;) {}', { eval: true }),
  );
}

describe('scale: 2 APIs, 3 workers, PostgreSQL, s3rver', () => {
  let hog: Worker[] = [];
  let database: TestDatabase;
  let s3: TestS3;
  const dataDirs: string[] = [];
  const children = new Set<ChildProcess>();
  let env: NodeJS.ProcessEnv;

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'latent-lab-scale-'));
    dataDirs.push(dir);
    return dir;
  }

  function track(child: ChildProcess): ChildProcess {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  async function startApi(port: number, dir: string): Promise<ApiProcess> {
    const api = await startApiProcess({ ...env, DATA_DIR: dir }, port);
    track(api.child);
    return api;
  }

  function startWorker(dir: string): ChildProcess {
    return track(startWorkerProcess({ ...env, DATA_DIR: dir }));
  }

  const stop = stopProcess;

  before(async () => {
    if (CPU_HOG) hog = startCpuHog();
    [database, s3] = await Promise.all([
      createTestDatabase('latentlab_scale'),
      startTestS3('latent-lab-scale'),
    ]);
    env = {
      ...process.env,
      ...s3.env,
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      INTRA_OP_THREADS: '1',
      RENDER_JOB_HEARTBEAT_SECONDS: '10',
      // All 30 runs are queued at once, more than a workspace's default quota of active runs.
      MAX_ACTIVE_RUNS: '100',
    };
    // Migrations once, before any process starts (the compose file's migrate one-shot).
    await migrateOnce({ ...env, DATA_DIR: await dataDir() });
  });

  after(async () => {
    await Promise.all(hog.map((thread) => thread.terminate()));
    for (const child of [...children]) await stop(child, 'SIGKILL');
    await s3?.close();
    await database?.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  test(
    '30 runs across 2 APIs and 3 workers, a worker killed and an API restarted',
    // Every core is also spinning with the hog: the same work takes longer.
    { timeout: CPU_HOG ? 900_000 : 300_000 },
    async (t) => {
      // Aborted when the test ends, too: a diagnosis only while runs are still being followed.
      let followedAll = false;
      t.signal.addEventListener('abort', () => {
        if (followedAll) return;
        describeUnfinished(database.url).then(
          (runs) => console.error(`scale test timed out; runs not ended:\n${runs}`),
          (error: unknown) => console.error('scale test timed out; the database:', error),
        );
      });
      const dirs = [await dataDir(), await dataDir()];
      const apis = await Promise.all([
        startApi(await freePort(), dirs[0]!),
        startApi(await freePort(), dirs[1]!),
      ]);
      // The owner signs up on one API; the session works on every API process.
      const owner = await signUp(apis[0]!.url, {
        email: 'owner@example.com',
        password: 'correct horse battery',
        name: 'Owner',
      });
      useToken(apis[1]!.url, owner.token);
      const workers = [
        startWorker(await dataDir()),
        startWorker(await dataDir()),
        startWorker(await dataDir()),
      ];

      const imageIds = [
        (await uploadPhoto(apis[0]!.url, PHOTOS.astronaut)).id,
        (await uploadPhoto(apis[1]!.url, PHOTOS.coffee)).id,
      ];

      // Three clients; client c creates runs c, c+3, ... alternating between the APIs.
      const runs: { n: number; id: string; steps: number; createdOn: number }[] = [];
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          for (let n = client; n < RUNS; n += CLIENTS) {
            const createdOn = n % 2;
            const input = runInput(n, imageIds);
            const created = await createRun(apis[createdOn]!.url, input);
            runs.push({ n, id: created.id, steps: input.steps, createdOn });
          }
        }),
      );
      assert.equal(runs.length, RUNS);

      // The disruptions, each once the system has delivered some frames.
      let framesSeen = 0;
      let killed: Promise<unknown> | undefined;
      let restarted: Promise<void> | undefined;
      let apiDown: Promise<void> | undefined;
      const onFrame = () => {
        framesSeen += 1;
        if (framesSeen === 8 && !killed) killed = stop(workers[0]!, 'SIGKILL');
        if (framesSeen === 20 && !restarted) {
          const api = apis[1]!;
          let up!: () => void;
          apiDown = new Promise((resolve) => (up = resolve));
          restarted = (async () => {
            await stop(api.child, 'SIGTERM');
            apis[1] = await startApi(api.port, dirs[1]!);
            up();
          })();
        }
      };

      /** Follows a run through one API, resubscribing with fromIndex when that API goes away. */
      async function follow(runId: string, api: number) {
        const received = new Map<number, number>();
        let final: ProgressEvent | undefined;
        for (let attempt = 0; attempt < 20 && !final; attempt++) {
          let next = 0;
          while (received.has(next)) next += 1;
          const client = wsClient(apis[api]!.url);
          try {
            await new Promise<void>((resolve, reject) => {
              client.subscribe<{ runProgress: ProgressEvent }>(
                { query: PROGRESS_FROM, variables: { runId, fromIndex: next } },
                {
                  next: (result) => {
                    const event = result.data?.runProgress;
                    if (!event) return reject(new Error(JSON.stringify(result.errors)));
                    if (event.kind === 'FRAME') {
                      received.set(event.index!, (received.get(event.index!) ?? 0) + 1);
                      onFrame();
                    } else if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(event.status)) {
                      final = event;
                    }
                  },
                  error: () => resolve(),
                  complete: () => resolve(),
                },
              );
            });
          } finally {
            await client.dispose();
          }
          // The API went away: wait for it to be back, then resubscribe from where this left off.
          if (!final) await apiDown;
        }
        return { received, final };
      }

      const followed = await Promise.all(runs.map((run) => follow(run.id, 1 - run.createdOn)));
      followedAll = true;
      assert.ok(killed && restarted, 'a worker was killed and an API restarted mid-flight');
      await killed;
      await restarted;

      for (const [i, run] of runs.entries()) {
        const { received, final } = followed[i]!;
        assert.equal(final?.status, 'SUCCEEDED', `run ${run.n} ends SUCCEEDED`);
        assert.deepEqual(
          [...received.keys()].sort((a, b) => a - b),
          Array.from({ length: run.steps }, (_, index) => index),
          `run ${run.n}: every frame reached its subscriber`,
        );
        assert.ok(
          [...received.values()].every((count) => count === 1),
          `run ${run.n}: no frame twice`,
        );
      }

      // Stored state, read through the restarted API.
      const checksums = new Map<number, string[]>();
      for (const run of runs) {
        const { run: stored } = await gqlOk(
          apis[1]!.url,
          'query ($id: ID!) { run(id: $id) { status framesDone } }',
          { id: run.id },
        );
        assert.equal(stored.status, 'SUCCEEDED');
        assert.equal(stored.framesDone, run.steps);
        checksums.set(run.n, await frameChecksums(apis[0]!.url, run.id));
      }

      for (const api of apis) await stop(api.child, 'SIGTERM');
      for (const worker of workers) await stop(worker, 'SIGTERM');
      for (const dir of dataDirs) {
        assert.deepEqual(await filesUnder(dir), [], `nothing written under ${dir}`);
      }

      // The same runs rendered by one process (its own database, local files).
      const single = await startTestServer({
        name: 'scale_single',
        workerInProcess: true,
        intraOpThreads: 1,
        auth: { ...loadConfig({}).auth, maxActiveRuns: 100 },
      });
      try {
        const url = single.server.url;
        const ids = await uploadPhotos(url, ['astronaut', 'coffee']);
        const client = wsClient(url);
        for (const run of runs) {
          const created = await createRun(url, runInput(run.n, ids));
          const events = await collectProgress(client, created.id);
          assert.equal(events.at(-1)?.status, 'SUCCEEDED');
          assert.deepEqual(
            await frameChecksums(url, created.id),
            checksums.get(run.n),
            `run ${run.n}: pixels identical to a single-process render`,
          );
        }
        await client.dispose();
      } finally {
        await single.close();
      }
    },
  );
});

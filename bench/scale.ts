// Scale benchmark (npm run bench:scale): prints figures, asserts nothing. On one machine, with a
// throwaway PostgreSQL database (migrated once) and an s3rver bucket:
//   1. throughput of 256x256, 8-frame runs with 1, 2 and 3 worker processes at one intra-op
//      thread each (each worker renders one warm-up run first);
//   2. delay from a frame being stored (its row's createdAt) to each subscriber receiving it, with
//      the subscribers spread over two API processes against all on one;
//   3. the per-frame cost of S3 against the local folder (npm run bench:storage).
// Usage: npm run bench:scale [-- --runs 6 --subscribers 20]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFrames, openDatabase } from '@latent-lab/db';
import {
  collectProgress,
  createRun,
  REPO_DIR,
  uploadPhotos,
  wsClient,
} from '../test/helpers/api.ts';
import {
  freePort,
  migrateOnce,
  startApiProcess,
  startWorkerProcess,
  stopProcess,
  type ApiProcess,
} from '../test/helpers/cluster.ts';
import { createTestDatabase } from '../test/helpers/postgres.ts';
import { startTestS3 } from '../test/helpers/s3.ts';
import { numberOptions, percentile } from './stats.ts';

const { runs: runsPerSet, subscribers: subscriberCount } = numberOptions({
  runs: 6,
  subscribers: 20,
});
const STEPS = 8;

const database = await createTestDatabase('latentlab_bench_scale');
const s3 = await startTestS3('latent-lab-bench-scale');
const dataDir = await mkdtemp(join(tmpdir(), 'latent-lab-bench-scale-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...s3.env,
  DATABASE_URL: database.url,
  DATA_DIR: dataDir,
  MIGRATE_ON_START: 'false',
  INTRA_OP_THREADS: '1',
};
const children: ChildProcess[] = [];
let seed = 1;
try {
  await migrateOnce(env);
  const apis: ApiProcess[] = [
    await startApiProcess(env, await freePort()),
    await startApiProcess(env, await freePort()),
  ];
  children.push(...apis.map((api) => api.child));
  const api = apis[0]!.url;
  const imageIds = await uploadPhotos(api, ['astronaut', 'coffee']);
  const input = () => ({
    model: 'taef2',
    imageIds,
    steps: STEPS,
    width: 256,
    height: 256,
    seed: seed++,
  });
  const client = wsClient(api);
  /** Creates the runs and resolves when every one has ended. */
  async function renderAll(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await createRun(api, input())).id);
    await Promise.all(ids.map((id) => collectProgress(client, id)));
    return ids;
  }

  // 1. Throughput.
  const workers: ChildProcess[] = [];
  const throughput: string[] = [];
  for (const count of [1, 2, 3]) {
    while (workers.length < count) {
      const worker = startWorkerProcess(env);
      workers.push(worker);
      children.push(worker);
    }
    await renderAll(count); // warm-up: models loaded, latents cached
    const started = performance.now();
    await renderAll(runsPerSet);
    const seconds = (performance.now() - started) / 1000;
    throughput.push(
      `| ${count} | ${runsPerSet} | ${seconds.toFixed(1)} | ${((runsPerSet * STEPS) / seconds).toFixed(2)} | ${((runsPerSet * 60) / seconds).toFixed(1)} |`,
    );
  }
  console.log(`\n## throughput: ${STEPS}-frame 256x256 runs, INTRA_OP_THREADS=1 per worker\n`);
  console.log('| worker processes | runs | seconds | frames/s | runs/min |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of throughput) console.log(row);

  // 2. Stored -> received, two workers rendering.
  await stopProcess(workers.pop()!, 'SIGTERM');
  const db = await openDatabase({ databaseUrl: database.url, dataDir, migrate: false });
  const latency: string[] = [];
  for (const spread of [1, 2]) {
    const clients = Array.from({ length: subscriberCount }, (_, i) =>
      wsClient(apis[i % spread]!.url),
    );
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await createRun(api, input())).id);
    const received: { runId: string; index: number; at: number }[] = [];
    const listeningSince = Date.now();
    await Promise.all(
      ids.flatMap((runId) =>
        clients.map((subscriber) =>
          collectProgress(subscriber, runId, (event) => {
            if (event.kind === 'FRAME')
              received.push({ runId, index: event.index!, at: Date.now() });
          }),
        ),
      ),
    );
    const stored = new Map(
      (await Promise.all(ids.map((id) => listFrames(db.client, id))))
        .flat()
        .map((frame) => [`${frame.runId}/${frame.index}`, frame.createdAt.getTime()]),
    );
    const delays = received
      .filter((item) => stored.get(`${item.runId}/${item.index}`)! > listeningSince)
      .map((item) => item.at - stored.get(`${item.runId}/${item.index}`)!);
    latency.push(
      `| ${spread} | ${subscriberCount} | ${delays.length} | ${percentile(delays, 50)} | ${percentile(delays, 99)} |`,
    );
    for (const subscriber of clients) await subscriber.dispose();
  }
  await db.close();
  console.log('\n## frame stored -> subscriber received (2 workers, 2 runs at once)\n');
  console.log('| API processes | subscribers per run | deliveries | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of latency) console.log(row);
  await client.dispose();
} finally {
  for (const child of children) await stopProcess(child, 'SIGTERM');
  await s3.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}

// 3. S3 against the local folder, per frame.
console.log('\n## S3 (s3rver) against the local folder, per frame (npm run bench:storage)');
const storageBench = spawn(
  process.execPath,
  ['--import', 'tsx', join(REPO_DIR, 'bench/storage.ts'), '--iterations', '100'],
  { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'] },
);
await once(storageBench, 'exit');
process.exit(0);

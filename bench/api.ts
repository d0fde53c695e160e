// API benchmark (npm run bench:api): prints the three figures of the run-service issue; asserts nothing.
//   1. wall time of a 10-frame run through the API (createRun -> final status over graphql-ws)
//      against the same run through the CLI, as a command (the yardstick: process start,
//      model load, frames written; its latent cache warm, as the API's is), and through the engine
//      alone in this process (render + PNG encode, overlapped as the CLI does; warm, no start);
//   2. delay from a frame being stored (its row's createdAt) to each of 50 subscribers receiving it
//      (signed in as --users people: the owner and viewers, the sockets shared out in turn);
//   3. p95 of the `runs` history query with 10,000 runs in the database.
// Runs on the local PostgreSQL (a throwaway database), worker in process.
// Usage: npm run bench:api [-- --size 512 --subscribers 50 --users 1 --runs 10000 --pairs 3]
//   --pairs: API and engine runs of figure 1, taken in turn (more pairs, a firmer median)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRuns, listFrames, listMemberships, openDatabase } from '@latent-lab/db';
import { DEFAULT_RUN_LIMITS, parseRunParams } from '@latent-lab/domain';
import {
  Engine,
  tensorToImage,
  type LatentCache,
  renderSpec,
  type Tensor4,
} from '@latent-lab/engine';
import { loadConfig } from '@latent-lab/config';
import {
  collectProgress,
  createRun,
  gqlOk,
  joinWorkspace,
  PHOTOS,
  startTestServer,
  uploadPhotos,
  wsClient,
} from '../test/helpers/api.ts';
import { measure } from './process.ts';
import { numberOptions, percentile } from './stats.ts';

const {
  size,
  subscribers: subscriberCount,
  users: userCount,
  runs: historyRuns,
  pairs,
} = numberOptions({ size: 512, subscribers: 50, users: 1, runs: 10_000, pairs: 3 });

const defaults = loadConfig({});
// The subscribers share --users tokens: one user's socket limit must let their share in.
const testServer = await startTestServer({
  name: 'bench',
  workerInProcess: true,
  sockets: {
    ...defaults.sockets,
    maxSocketsPerUser: Math.max(
      defaults.sockets.maxSocketsPerUser,
      Math.ceil(subscriberCount / userCount),
    ),
  },
});
const { server, database, dataDir } = testServer;
const config = loadConfig(process.env);
try {
  const imageIds = await uploadPhotos(server.url, ['astronaut', 'chelsea']);
  // Encoded by no run before the one that measures a warm worker's first frame without cached latents.
  const freshImageIds = await uploadPhotos(server.url, ['coffee', 'rocket']);
  const runInput = {
    model: 'taef2',
    imageIds,
    steps: 10,
    width: size,
    height: size,
    noise: { level: 0.1 },
  };

  // 1. API against engine alone, each after a warm-up run (model loaded, keyframe latents cached).
  const client = wsClient(server.url);
  /** From sending createRun to the first FRAME event, for each measured run. */
  const firstFrameMs: number[] = [];
  async function apiRun(seed: number, images = imageIds): Promise<number> {
    const started = performance.now();
    let firstFrame: number | undefined;
    const run = await createRun(server.url, { ...runInput, imageIds: images, seed });
    const events = await collectProgress(client, run.id, (event) => {
      if (event.kind === 'FRAME' && firstFrame === undefined) firstFrame = performance.now();
    });
    if (events.at(-1)?.status !== 'SUCCEEDED')
      throw new Error(`run ended ${events.at(-1)?.status}`);
    firstFrameMs.push(firstFrame! - started);
    return performance.now() - started;
  }
  const latents = new Map<string, Tensor4>();
  const memoryCache: LatentCache = {
    get: async (key) => latents.get(key),
    set: async (key, latent) => void latents.set(key, latent),
  };
  // The same threads as the server's renders, so the comparison is like for like.
  const engine = new Engine({
    latentCache: memoryCache,
    intraOpThreads: config.intraOpThreads,
    locations: config.models,
  });
  const photos = await Promise.all([readFile(PHOTOS.astronaut), readFile(PHOTOS.chelsea)]);
  async function engineRun(seed: number): Promise<number> {
    const started = performance.now();
    // The same parameters as an API run of the same input, defaults included.
    const params = parseRunParams(
      {
        model: 'taef2',
        keyframes: ['astronaut', 'chelsea'],
        steps: 10,
        width: size,
        height: size,
        noise: { level: 0.1 },
        seed,
      },
      DEFAULT_RUN_LIMITS,
    );
    const spec = renderSpec(
      params,
      photos.map((bytes, i) => ({ sha256: `photo-${i}`, read: async () => bytes })),
    );
    // As the CLI does: each frame's PNG is made while the next one decodes.
    const pngs: Promise<Buffer>[] = [];
    for await (const frame of engine.render(spec)) pngs.push(tensorToImage(frame.rgb, 'png'));
    await Promise.all(pngs);
    return performance.now() - started;
  }
  // The CLI as its users run it, on the same photos and parameters (the flags come from the same
  // option schema, defaults included), its latent cache warmed by a first invocation.
  const cliDir = await mkdtemp(join(tmpdir(), 'latent-lab-bench-cli-'));
  const cli = fileURLToPath(new URL('../apps/cli/bin/latent-lab.js', import.meta.url));
  async function cliRun(seed: number): Promise<number> {
    const args = [
      'interpolate',
      PHOTOS.astronaut,
      PHOTOS.chelsea,
      ...['--steps', '10', '--size', `${size}x${size}`, '--noise', '0.1'],
      ...['--seed', String(seed), '--threads', String(config.intraOpThreads)],
      ...['--cache-dir', join(cliDir, 'cache'), '--out', join(cliDir, `out-${seed}`)],
    ];
    return (await measure(cli, args, cliDir)).wallMs;
  }
  // The first run after the server started: its render threads may still be loading the model and
  // running their warm-up; keyframe latents not cached.
  const startMs = await apiRun(1);
  const startFirstFrameMs = firstFrameMs.pop()!;
  // Then, with the threads warm, a run of two photos no run has encoded: latents not cached.
  const coldMs = await apiRun(2, freshImageIds);
  const coldFirstFrameMs = firstFrameMs.pop()!;
  await engineRun(1);
  await cliRun(1);
  const apiMs: number[] = [];
  const engineMs: number[] = [];
  const cliMs: number[] = [];
  for (let i = 0; i < pairs; i++) {
    cliMs.push(await cliRun(10 + i));
    engineMs.push(await engineRun(10 + i));
    apiMs.push(await apiRun(10 + i));
  }
  await engine.close();
  await rm(cliDir, { recursive: true, force: true });
  const [apiMedian, cliMedian, engineMedian] = [apiMs, cliMs, engineMs].map((ms) =>
    percentile(ms, 50),
  ) as [number, number, number];
  const ratios = (baseline: number[]) =>
    apiMs.map((ms, i) => (ms / baseline[i]!).toFixed(3)).join(', ');
  console.log(
    `## 10-frame run at ${size}x${size} (median of ${pairs} rounds; each round a CLI, an engine and an API run)`,
  );
  console.log(
    `API ${apiMedian.toFixed(0)} ms; the CLI as a command ${cliMedian.toFixed(0)} ms, ratio ${(apiMedian / cliMedian).toFixed(3)} (target <= 1.10), by round ${ratios(cliMs)}`,
  );
  console.log(
    `against the engine alone in this process (warm, nothing to start) ${engineMedian.toFixed(0)} ms, ratio ${(apiMedian / engineMedian).toFixed(3)}, by round ${ratios(engineMs)}`,
  );
  console.log(
    `first run after the server started ${startMs.toFixed(0)} ms, its first frame ${startFirstFrameMs.toFixed(0)} ms after createRun; ` +
      `warm, latents not cached: ${coldMs.toFixed(0)} ms, first frame ${coldFirstFrameMs.toFixed(0)} ms; ` +
      `with cached latents, createRun to the first FRAME event p50 ${percentile(firstFrameMs, 50).toFixed(0)} ms (${firstFrameMs.map((ms) => ms.toFixed(0)).join(', ')})`,
  );

  // 2. Frame delivery delay to 50 concurrent subscribers, each its own WebSocket, in another
  // process (as clients are): per subscriber, frames stored after its first event (the run's status,
  // sent once it listens live) count; earlier ones came from the replay of stored frames.
  const db = await openDatabase({ databaseUrl: database.url, dataDir });
  // The owner's workspace: the viewers join it, and figure 3's runs belong to it.
  const [workspace] = await listMemberships(db.client, testServer.owner.user.id);
  if (!workspace) throw new Error('the test server owner has no workspace');
  const tokens = [testServer.owner.token];
  while (tokens.length < userCount)
    tokens.push((await joinWorkspace(server.url, workspace.id, 'VIEWER')).token);
  const subscriberProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./api-subscribers.ts', import.meta.url)),
      server.url,
      String(subscriberCount),
      tokens.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Listened for from the start: the subscribers may be done before createRun's answer arrives.
  const exited = once(subscriberProcess, 'exit') as Promise<[number]>;
  let output = '';
  subscriberProcess.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    subscriberProcess.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
      else process.stderr.write(chunk);
    });
    subscriberProcess.once('exit', (code) =>
      reject(new Error(`subscriber process exited (${code})`)),
    );
  });
  const run = await createRun(server.url, {
    ...runInput,
    steps: 20,
    width: 128,
    height: 128,
    seed: 5,
  });
  const [exitCode] = await exited;
  if (exitCode !== 0) throw new Error(`subscriber process failed (${exitCode})`);
  const received = JSON.parse(output) as { index: number; at: number; listeningSince: number }[];
  const stored = new Map(
    (await listFrames(db.client, run.id)).map((frame) => [frame.index, frame.createdAt.getTime()]),
  );
  const delays = received
    .filter((item) => stored.get(item.index)! > item.listeningSince)
    .map((item) => item.at - stored.get(item.index)!);
  console.log(
    `\n## frame stored -> received, ${subscriberCount} subscribers of ${userCount} user(s), ${delays.length} deliveries`,
  );
  console.log(
    `p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms (target p99 <= 50 ms; clock resolution 1 ms)`,
  );
  await client.dispose();

  // 3. History query over 10,000 runs.
  const statuses = ['SUCCEEDED', 'FAILED', 'CANCELED', 'SUCCEEDED'] as const;
  const now = Date.now();
  for (let start = 0; start < historyRuns; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, historyRuns - start) }, (_, j) => {
      const i = start + j;
      return {
        id: randomUUID(),
        workspaceId: workspace.id,
        createdById: testServer.owner.user.id,
        name: `bench run ${i} ${i % 7 === 0 ? 'sunset' : 'portrait'}`,
        status: statuses[i % statuses.length]!,
        params: parseRunParams(
          {
            model: i % 2 ? 'taef2' : 'taesd',
            keyframes: imageIds,
            steps: 10,
            width: 128,
            height: 128,
            seed: i,
          },
          DEFAULT_RUN_LIMITS,
        ),
        tags: i % 10 === 0 ? ['favourite'] : [],
        createdAt: new Date(now - i * 60_000),
      };
    });
    await importRuns(db.client, batch);
  }
  await db.close();
  const query = `query ($filter: RunsFilter, $sort: RunSort, $after: String) {
    runs(first: 20, filter: $filter, sort: $sort, after: $after) { totalCount hasNextPage endCursor nodes { id name status model tags createdAt seed } }
  }`;
  const variants: Record<string, Record<string, unknown>> = {
    'newest first': {},
    'status SUCCEEDED': { filter: { status: ['SUCCEEDED'] } },
    'model + tag': { filter: { model: 'taef2', tag: 'favourite' } },
    'search "sunset"': { filter: { search: 'sunset' } },
    'sort by name': { sort: { field: 'NAME', direction: 'ASC' } },
  };
  console.log(
    `\n## runs query, ${historyRuns} runs in the database, 100 requests each after 10 warm-ups`,
  );
  console.log('| query | p50 ms | p95 ms |');
  console.log('| --- | --- | --- |');
  const all: number[] = [];
  for (const [name, variables] of Object.entries(variants)) {
    const samples: number[] = [];
    for (let i = 0; i < 110; i++) {
      const started = performance.now();
      await gqlOk(server.url, query, variables);
      if (i >= 10) samples.push(performance.now() - started);
    }
    all.push(...samples);
    console.log(
      `| ${name} | ${percentile(samples, 50).toFixed(1)} | ${percentile(samples, 95).toFixed(1)} |`,
    );
  }
  console.log(`overall p95 ${percentile(all, 95).toFixed(1)} ms (target <= 30 ms)`);
} finally {
  await testServer.close();
}
process.exit(0);

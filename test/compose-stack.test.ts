// The production docker-compose.yml running: the project's image and local stand-ins for the
// images that cannot be pulled here (test/docker/compose.override.yml), 2 API and 3 worker
// replicas, and the whole-system checks against the containers: a run's frames arrive through the
// other API, a worker container killed mid-run loses nothing, a rolling restart of the workers
// completes every run. The stack is torn down whatever happens. Skips only where no Docker engine
// can be started (fails on CI).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  collectProgress,
  CREATE_RUN,
  gqlOk,
  OWNER,
  PHOTOS,
  REPO_DIR,
  SHARED_DIR,
  signUp,
  uploadPhoto,
  useToken,
  wsClient,
  type ProgressEvent,
} from './helpers/api.ts';
import {
  baseImages,
  buildProjectImage,
  docker,
  dockerUnavailable,
  run,
  runOk,
  waitForHttp,
} from './docker/docker.ts';

const skip = await dockerUnavailable();
const PROJECT = `latentlab${randomBytes(3).toString('hex')}`;
/** What `docker compose` would read from .env; host ports are left to Docker (127.0.0.1::port). */
const COMPOSE_ENV = {
  POSTGRES_USER: 'latentlab',
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  POSTGRES_DB: 'latentlab',
  S3_BUCKET: 'latent-lab',
  S3_REGION: 'us-east-1',
  S3_PUBLIC_ENDPOINT: 'http://127.0.0.1:9000',
  // s3rver knows one account and checks only its access key id.
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  MINIO_ROOT_USER: 'unused',
  MINIO_ROOT_PASSWORD: 'unused-by-s3rver',
  API_PORTS: '127.0.0.1:',
  DASHBOARD_PORT: '127.0.0.1:',
  MINIO_PORT: '127.0.0.1:',
  WORKER_THREADS: '1',
  LOG_LEVEL: 'info',
  LATENT_LAB_TEST_MODELS: join(SHARED_DIR, 'models'),
};

function compose(args: string[], echo = false) {
  return runOk(
    'docker-compose',
    ['-p', PROJECT, '-f', 'docker-compose.yml', '-f', 'test/docker/compose.override.yml', ...args],
    { env: { ...process.env, ...COMPOSE_ENV }, echo },
  );
}

/** The containers of a service, in replica order. */
async function containers(service: string): Promise<string[]> {
  const ids = (await compose(['ps', '-q', service])).trim().split('\n').filter(Boolean);
  return ids.sort();
}

/** Polls a container's health check until it reports healthy, or fails after a limit. */
async function waitHealthy(container: string, limitMs = 300_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let status = '';
  while (Date.now() < deadline) {
    status = (await docker(['inspect', '--format', '{{.State.Health.Status}}', container])).trim();
    if (status === 'healthy') return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${container} is ${status} after ${limitMs} ms`);
}

/** The worker container that most recently started rendering the run, if any has. */
async function renderingWorker(runId: string): Promise<string | undefined> {
  let latest: { container: string; time: number } | undefined;
  for (const container of await containers('worker')) {
    for (const line of (await run('docker', ['logs', container])).stdout.split('\n')) {
      if (!line.includes(runId) || !line.includes('"rendering run"')) continue;
      const { time } = JSON.parse(line) as { time: number };
      if (!latest || time > latest.time) latest = { container, time };
    }
  }
  return latest?.container;
}

/** Follows a run through an API's subscription until it ends; asserts every frame came once. */
async function followRun(
  url: string,
  runId: string,
  steps: number,
  onEvent: (event: ProgressEvent) => void = () => {},
): Promise<ProgressEvent[]> {
  const client = wsClient(url);
  try {
    const events = await collectProgress(client, runId, onEvent);
    assert.equal(events.at(-1)?.status, 'SUCCEEDED', JSON.stringify(events.at(-1)));
    const indices = events.filter((e) => e.kind === 'FRAME').map((e) => e.index!);
    assert.deepEqual(
      indices.sort((a, b) => a - b),
      Array.from({ length: steps }, (_, i) => i),
      `run ${runId}: every frame exactly once`,
    );
    return events;
  } finally {
    await client.dispose();
  }
}

describe('the Compose stack', { skip }, () => {
  let apis: string[] = [];
  let imageIds: string[] = [];

  before(async () => {
    const [nodeImage] = await baseImages('node', 'postgres');
    await buildProjectImage(nodeImage!);
    await compose(['build', 'minio'], true);
    await compose(['up', '-d', '--scale', 'api=2', '--scale', 'worker=3'], true);
    // Each API's own health check first: a container restarted by its policy gets a new host port.
    for (const id of await containers('api')) await waitHealthy(id);
    apis = [];
    for (let index = 1; index <= 2; index++) {
      const address = (await compose(['port', `--index=${index}`, 'api', '4000'])).trim();
      apis.push(`http://${address}`);
    }
    for (const url of apis) await waitForHttp(`${url}/health`);
    const owner = await signUp(apis[0]!, OWNER);
    useToken(apis[1]!, owner.token);
    imageIds = [
      (await uploadPhoto(apis[0]!, PHOTOS.astronaut)).id,
      (await uploadPhoto(apis[1]!, PHOTOS.chelsea)).id,
    ];
  });

  after(async () => {
    // The containers' logs stay for a failed run to read; then everything goes, volumes included.
    const logs = await run(
      'docker-compose',
      [
        '-p',
        PROJECT,
        '-f',
        'docker-compose.yml',
        '-f',
        'test/docker/compose.override.yml',
        'logs',
        '--no-color',
      ],
      { env: { ...process.env, ...COMPOSE_ENV } },
    );
    await mkdir(join(REPO_DIR, 'test-output'), { recursive: true });
    await writeFile(join(REPO_DIR, 'test-output/compose-stack.log'), logs.stdout + logs.stderr);
    await compose(['down', '-v', '--remove-orphans', '-t', '10']);
  });

  test('runs 2 APIs and 3 workers, all healthy', async () => {
    assert.equal((await containers('api')).length, 2);
    const workers = await containers('worker');
    assert.equal(workers.length, 3);
    for (const id of workers) {
      assert.equal(
        (await docker(['inspect', '--format', '{{.State.Running}}', id])).trim(),
        'true',
      );
    }
  });

  test('a run created through one API streams its frames through the other', async () => {
    const steps = 4;
    const { createRun } = await gqlOk(apis[0]!, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps, width: 64, height: 64, seed: 1 },
    });
    await followRun(apis[1]!, createRun.id, steps);
  });

  test('a worker container killed mid-run loses nothing', async () => {
    const steps = 8;
    const { createRun } = await gqlOk(apis[0]!, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps, width: 128, height: 128, seed: 2 },
    });
    let killed: Promise<{ container: string; framesBefore: number }> | undefined;
    let frames = 0;
    await followRun(apis[1]!, createRun.id, steps, (event) => {
      if (event.kind !== 'FRAME') return;
      frames++;
      // The worker rendering this run is the one whose latest "rendering run" line names it (a
      // worker that finds the run held by another logs that it handed the job back instead).
      killed ??= (async () => {
        const framesBefore = frames;
        for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
          const renderer = await renderingWorker(createRun.id);
          if (renderer) {
            await docker(['kill', renderer]);
            return { container: renderer, framesBefore };
          }
        }
        throw new Error(`no worker container logged rendering run ${createRun.id}`);
      })();
    });
    const { framesBefore } = await killed!;
    assert.ok(framesBefore < steps, 'the worker was killed before the run ended');
  });

  test('a rolling restart of the workers completes every run', async () => {
    const steps = 6;
    const runs = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const { createRun } = await gqlOk(apis[i % 2]!, CREATE_RUN, {
          input: { model: 'taef2', imageIds, steps, width: 64, height: 64, seed: 10 + i },
        });
        return createRun.id as string;
      }),
    );
    let restarting: Promise<void> | undefined;
    const followed = runs.map((id, i) =>
      followRun(apis[(i + 1) % 2]!, id, steps, (event) => {
        // At the first frame, each worker in turn: SIGTERM (it hands its run back), then up again.
        if (event.kind === 'FRAME')
          restarting ??= (async () => {
            for (const id of await containers('worker')) {
              await docker(['restart', '-t', '60', id]);
            }
          })();
      }),
    );
    await Promise.all(followed);
    assert.ok(restarting, 'the workers were restarted while the runs rendered');
    await restarting;
  });
});

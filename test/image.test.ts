// The production image as shipped: built from the Dockerfile on a local Node 24 base image
// (test/docker/base-images.sh; no registry is reachable), then its migration one-shot, an API and a
// render worker run as containers against PostgreSQL (a throwaway database on the host) and a
// bucket (s3rver on the host), and a client completes a run through them over HTTP and WebSocket.
// Skips only where no Docker engine can be started (fails on CI).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { freePort } from './helpers/cluster.ts';
import { createRun, OWNER, SHARED_DIR, signUp, uploadPhotos, watchRun } from './helpers/api.ts';
import { HUGE_PAGES_PROBE, parseProbe, transparentHugePageMode } from './helpers/huge-pages.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { startTestS3, type TestS3 } from './helpers/s3.ts';
import {
  baseImages,
  buildProjectImage,
  docker,
  dockerUnavailable,
  waitForHttp,
} from './docker/docker.ts';

const MAX_IMAGE_BYTES = 600 * 1024 * 1024;
const skip = await dockerUnavailable();

describe('the production image', { skip }, () => {
  const prefix = `latent-lab-image-${randomBytes(3).toString('hex')}`;
  const containers: string[] = [];
  let image: string;
  let database: TestDatabase;
  let s3: TestS3;
  let env: string[];

  before(async () => {
    const [nodeImage] = await baseImages('node');
    image = await buildProjectImage(nodeImage!);
    database = await createTestDatabase('latentlab_image');
    s3 = await startTestS3('latent-lab-image');
    // Host networking: the containers reach the host's PostgreSQL and s3rver on 127.0.0.1.
    env = Object.entries({
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      LATENT_LAB_OFFLINE: '1',
      LOG_LEVEL: 'warn',
      INTRA_OP_THREADS: '1',
      ...s3.env,
    }).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  });

  after(async () => {
    for (const name of containers) {
      if (process.env.LATENT_LAB_KEEP_LOGS) await docker(['logs', name]).catch(() => '');
      await docker(['rm', '-f', '-v', name]).catch(() => '');
    }
    await s3?.close();
    await database?.drop();
  });

  /** docker run -d of the image with the shared settings; the container is removed after. */
  async function start(name: string, extra: string[], command: string[]): Promise<string> {
    const container = `${prefix}-${name}`;
    containers.push(container);
    await docker([
      'run',
      '-d',
      '--name',
      container,
      '--network',
      'host',
      ...env,
      ...extra,
      image,
      ...command,
    ]);
    return container;
  }

  test(`is smaller than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`, async () => {
    const size = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', image]));
    console.log(`image ${image}: ${(size / 1024 / 1024).toFixed(0)} MB`);
    assert.ok(size < MAX_IMAGE_BYTES, `${image} is ${size} bytes`);
  });

  test("its processes ask glibc's malloc for transparent huge pages; -e GLIBC_TUNABLES= declines", async () => {
    const probe = async (extra: string[]) =>
      parseProbe(await docker(['run', '--rm', ...extra, image, 'node', '-e', HUGE_PAGES_PROBE]));
    // The containers share this host's kernel, and so its THP mode.
    const mode = await transparentHugePageMode();
    const asked = await probe([]);
    assert.equal(asked.tunables, 'glibc.malloc.hugetlb=1');
    if (mode !== 'never')
      assert.ok(asked.anonHugeKb >= 32 * 1024, `${asked.anonHugeKb} kB in huge pages`);
    const declined = await probe(['-e', 'GLIBC_TUNABLES=']);
    assert.equal(declined.tunables, '');
    if (mode === 'madvise') assert.equal(declined.anonHugeKb, 0);
  });

  test('its migration, API and worker complete a run; the API serves the dashboard', async () => {
    const migrate = await docker([
      'run',
      '--rm',
      '--network',
      'host',
      ...env,
      image,
      'node',
      'packages/db/dist/scripts/migrate.js',
    ]);
    assert.match(migrate, /migrated/);

    const port = await freePort();
    await start(
      'api',
      [
        '-e',
        `PORT=${port}`,
        '-e',
        'HOST=127.0.0.1',
        '-e',
        'WORKER_IN_PROCESS=false',
        '-e',
        'SERVE_DASHBOARD=true',
      ],
      ['node', 'apps/server/dist/main.js'],
    );
    await start(
      'worker',
      ['-v', `${SHARED_DIR}/models:/mirror:ro`, '-e', 'LATENT_LAB_MODELS_MIRROR=/mirror'],
      ['node', 'apps/server/dist/worker.js'],
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health`);

    const dashboard = await fetch(url);
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.headers.get('content-type') ?? '', /text\/html/);

    await signUp(url, OWNER);
    const imageIds = await uploadPhotos(url, ['astronaut', 'coffee']);
    const input = { model: 'taef2', imageIds, steps: 3, width: 64, height: 64, seed: 7 };
    const run = await createRun(url, input);
    const events = await watchRun(url, run.id);
    assert.equal(events.at(-1)?.status, 'SUCCEEDED', JSON.stringify(events.at(-1)));
    const frames = events.filter((event) => event.kind === 'FRAME');
    assert.deepEqual(
      frames.map((frame) => frame.index).sort(),
      [0, 1, 2],
      'every frame once, rendered by the worker container',
    );
    const frame = await fetch(url + frames[0]!.url!);
    assert.equal(frame.status, 200);
    assert.equal(frame.headers.get('content-type'), 'image/png');
    const keys = await s3.listKeys(`frames/${run.id}/`);
    assert.equal(keys.filter((key) => !key.includes('/thumbs/')).length, 3, keys.join(', '));
  });
});

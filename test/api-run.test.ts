// Core flow through real HTTP and graphql-ws, on PostgreSQL and on embedded PGlite: upload two
// photos, create a run, receive every frame in order (also when subscribing mid-run), fetch them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspectImage } from '@latent-lab/engine';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  collectProgress,
  createRun,
  gqlOk,
  PHOTOS,
  startTestServer,
  uploadPhoto,
  uploadPhotos,
  wsClient,
  type ProgressEvent,
  type TestServer,
} from './helpers/api.ts';

const STEPS = 5;
// taesd's weights are not in the mirror; offline, a taesd run fails at once instead of downloading.
process.env.LATENT_LAB_OFFLINE = '1';

function frameIndexes(events: ProgressEvent[]): number[] {
  return events.filter((event) => event.kind === 'FRAME').map((event) => event.index!);
}

for (const mode of ['postgres', 'pglite'] as const) {
  describe(`run flow (${mode})`, () => {
    let testServer: TestServer<typeof mode>;
    let server: RunningServer;

    before(async () => {
      testServer = await startTestServer({ name: 'api', database: mode, workerInProcess: true });
      server = testServer.server;
    });

    after(async () => {
      await testServer?.close();
    });

    test('uploads are deduplicated by content', async () => {
      const first = await uploadPhoto(server.url, PHOTOS.astronaut);
      const again = await uploadPhoto(server.url, PHOTOS.astronaut);
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.id, first.id);
      const { image } = await gqlOk(
        server.url,
        'query ($id: ID!) { image(id: $id) { width height mimeType url } }',
        { id: first.id },
      );
      assert.equal(image.mimeType, 'image/png');
      const response = await fetch(server.url + image.url);
      assert.equal(response.headers.get('content-type'), 'image/png');
      assert.equal(
        (await inspectImage(new Uint8Array(await response.arrayBuffer()))).width,
        image.width,
      );
    });

    test('every frame reaches subscribers in order, also one that joins mid-run, and decodes to the requested size', async () => {
      const astronaut = await uploadPhoto(server.url, PHOTOS.astronaut);
      const chelsea = await uploadPhoto(server.url, PHOTOS.chelsea);
      const client = wsClient(server.url);
      const late = wsClient(server.url);
      try {
        const run = await createRun(server.url, {
          model: 'taef2',
          imageIds: [astronaut.id, chelsea.id],
          steps: STEPS,
          width: 128,
          height: 128,
          noise: { level: 0.1 },
          seed: 7,
          tags: ['flow'],
        });
        assert.equal(run.status, 'QUEUED');
        let lateEvents: Promise<ProgressEvent[]> | undefined;
        const events = await collectProgress(client, run.id, (event) => {
          if (event.kind === 'FRAME' && event.index === 1)
            lateEvents = collectProgress(late, run.id);
        });
        assert.deepEqual(frameIndexes(events), [0, 1, 2, 3, 4]);
        const last = events.at(-1)!;
        assert.equal(last.kind, 'STATUS');
        assert.equal(last.status, 'SUCCEEDED');
        assert.equal(last.done, STEPS);
        const frames = events.filter((event) => event.kind === 'FRAME');
        assert.deepEqual(
          frames.map((event) => event.done),
          [1, 2, 3, 4, 5],
        );
        assert.ok(frames.every((event) => event.total === STEPS && event.noiseLevel! > 0));
        assert.equal(frames[0]!.alpha, 0);
        assert.equal(frames.at(-1)!.alpha, 1);

        assert.ok(lateEvents, 'the late subscriber started');
        const seenLate = await lateEvents;
        assert.deepEqual(
          frameIndexes(seenLate),
          [0, 1, 2, 3, 4],
          'no gap and no duplicate for a mid-run subscriber',
        );
        assert.equal(seenLate.at(-1)!.status, 'SUCCEEDED');

        for (const frame of frames) {
          const response = await fetch(server.url + frame.url);
          assert.equal(response.status, 200);
          assert.equal(response.headers.get('content-type'), 'image/png');
          assert.match(response.headers.get('cache-control') ?? '', /immutable/);
          const metadata = await inspectImage(new Uint8Array(await response.arrayBuffer()));
          assert.equal(metadata.width, 128);
          assert.equal(metadata.height, 128);
        }

        const { run: stored } = await gqlOk(
          server.url,
          'query ($id: ID!) { run(id: $id) { status framesDone startedAt finishedAt totalMs keyframes { id } frames(first: 1000) { nodes { index url } } } }',
          { id: run.id },
        );
        assert.equal(stored.status, 'SUCCEEDED');
        assert.equal(stored.framesDone, STEPS);
        assert.deepEqual(
          stored.keyframes.map((image: { id: string }) => image.id),
          [astronaut.id, chelsea.id],
        );
        assert.deepEqual(
          stored.frames.nodes.map((frame: { index: number }) => frame.index),
          [0, 1, 2, 3, 4],
        );
        assert.ok(stored.totalMs > 0);

        // Subscribing after the end replays the stored frames, then the final status.
        const replay = await collectProgress(client, run.id);
        assert.deepEqual(frameIndexes(replay), [0, 1, 2, 3, 4]);
        assert.equal(replay.at(-1)!.status, 'SUCCEEDED');
      } finally {
        await client.dispose();
        await late.dispose();
      }
    });

    test('a failed run records its error and leaves the next run unaffected', async () => {
      const imageIds = await uploadPhotos(server.url, ['coffee', 'chelsea']);
      const client = wsClient(server.url);
      try {
        const input = { imageIds, steps: 3, width: 128, height: 128 };
        const failing = await createRun(server.url, { ...input, model: 'taesd' });
        const healthy = await createRun(server.url, { ...input, model: 'taef2' });
        const [failed, succeeded] = await Promise.all([
          collectProgress(client, failing.id),
          collectProgress(client, healthy.id),
        ]);
        assert.equal(failed.at(-1)?.status, 'FAILED');
        assert.match(failed.at(-1)?.error ?? '', /taesd/);
        assert.deepEqual(frameIndexes(succeeded), [0, 1, 2]);
        assert.equal(succeeded.at(-1)?.status, 'SUCCEEDED');
        const { run } = await gqlOk(
          server.url,
          'query ($id: ID!) { run(id: $id) { status error finishedAt framesDone } }',
          {
            id: failing.id,
          },
        );
        assert.equal(run.status, 'FAILED');
        assert.match(run.error, /taesd/);
        assert.ok(run.finishedAt);
        assert.equal(run.framesDone, 0);
      } finally {
        await client.dispose();
      }
    });
  });
}

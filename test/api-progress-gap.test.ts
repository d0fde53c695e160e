// A frame stored whose event was never published (its worker was killed between the two, as the
// Compose test's killed worker can be): runProgress still delivers every frame once, in order,
// then the final status. The next frame event, or the final status, shows the gap, and the
// subscription reads the stored frames. The worker's part is played here by hand: frames stored
// through the data layer, events sent with pg_notify on the bus's channel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openDatabase, setRunStatus, upsertFrame, type Database } from '@latent-lab/db';
import { fileUrl, frameKey, frameThumbKey } from '@latent-lab/domain';
import { EVENT_CHANNEL } from '../apps/server/src/events/bus.ts';
import {
  collectProgress,
  createRun,
  startTestServer,
  uploadPhotos,
  wsClient,
  type ProgressEvent,
  type TestServer,
} from './helpers/api.ts';

const STEPS = 5;

describe('runProgress across an event that was never published (postgres)', () => {
  let testServer: TestServer;
  let database: Database;
  let notifier: pg.Client;

  before(async () => {
    // No worker: this test renders nothing, it stores frames as a worker would.
    testServer = await startTestServer({ name: 'progressgap', workerInProcess: false });
    database = await openDatabase({
      databaseUrl: testServer.database.url,
      dataDir: testServer.dataDir,
    });
    notifier = new pg.Client({ connectionString: testServer.database.url });
    await notifier.connect();
  });

  after(async () => {
    await notifier?.end();
    await database?.close();
    await testServer?.close();
  });

  test('frames 2 and 4 stored without their events: every frame arrives once, in order, then SUCCEEDED', async () => {
    const { url } = testServer.server;
    const imageIds = await uploadPhotos(url, ['astronaut', 'coffee']);
    const run = await createRun(url, {
      model: 'taef2',
      imageIds,
      steps: STEPS,
      width: 64,
      height: 64,
    });
    const db = database.client;
    await setRunStatus(db, run.id, 'RUNNING');
    const publish = (event: object) =>
      notifier.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, JSON.stringify(event)]);
    const store = async (index: number, published: boolean) => {
      const storageKey = frameKey(run.id, index);
      const thumbnailKey = frameThumbKey(run.id, index);
      const frame = { alpha: index / (STEPS - 1), noiseLevel: 0, decodeMs: 1, change: null };
      await upsertFrame(db, {
        runId: run.id,
        index,
        storageKey,
        thumbnailKey,
        width: 64,
        height: 64,
        ...frame,
      });
      if (published)
        await publish({
          type: 'frame',
          runId: run.id,
          index,
          ...frame,
          url: fileUrl(storageKey),
          thumbnailUrl: fileUrl(thumbnailKey),
          done: index + 1,
          total: STEPS,
        });
    };

    // Each step waits for the subscriber to have received what it needs, so the gaps are found
    // from live events, not by the subscription's first read of the stored frames.
    const waiters = new Map<string, () => void>();
    const reached = (key: string) => new Promise<void>((resolve) => waiters.set(key, resolve));
    const client = wsClient(url);
    try {
      const running = reached('STATUS RUNNING');
      const events = collectProgress(client, run.id, (event: ProgressEvent) => {
        const key = event.kind === 'FRAME' ? `FRAME ${event.index}` : `STATUS ${event.status}`;
        waiters.get(key)?.();
      });
      await running;
      const second = reached('FRAME 1');
      await store(0, true);
      await store(1, true);
      await second;
      const fourth = reached('FRAME 3');
      await store(2, false);
      await store(3, true);
      await fourth;
      await store(4, false);
      await setRunStatus(db, run.id, 'SUCCEEDED');
      await publish({
        type: 'status',
        runId: run.id,
        status: 'SUCCEEDED',
        error: null,
        done: STEPS,
        total: STEPS,
      });

      const received = await events;
      assert.deepEqual(
        received.filter((event) => event.kind === 'FRAME').map((event) => event.index),
        [0, 1, 2, 3, 4],
      );
      assert.equal(received.at(-1)?.kind, 'STATUS');
      assert.equal(received.at(-1)?.status, 'SUCCEEDED');
    } finally {
      await client.dispose();
    }
  });
});

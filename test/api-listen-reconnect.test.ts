// Events across a lost LISTEN connection: the API's listener connection is terminated while a run
// renders (pg_terminate_backend on its application_name); notifications sent before it is back are
// gone, and every subscription catches up from the database: every frame exactly once, in order,
// and the final status, on runProgress; the run's final state on runUpdates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  collectProgress,
  createRun,
  startTestServer,
  uploadPhotos,
  wsClient,
  type TestServer,
} from './helpers/api.ts';

const LISTENER = 'latent-lab-listener';

describe('LISTEN reconnect (postgres)', () => {
  let testServer: TestServer;
  let admin: pg.Client;
  let imageIds: string[];

  /** Backend pids of this database's listener connections. */
  async function listenerPids(): Promise<number[]> {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [LISTENER],
    );
    return rows.map((row) => row.pid);
  }

  /** Polls (bounded) until the condition holds. */
  async function waitFor(what: string, condition: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 600; attempt++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  before(async () => {
    testServer = await startTestServer({
      name: 'reconnect',
      workerInProcess: true,
      intraOpThreads: 1,
    });
    admin = new pg.Client({ connectionString: testServer.database.url });
    await admin.connect();
    imageIds = await uploadPhotos(testServer.server.url, ['astronaut', 'coffee']);
  });

  after(async () => {
    await admin?.end();
    await testServer?.close();
  });

  test(
    'a subscriber gets every frame once and the final status across a LISTEN reconnect',
    { timeout: 120_000 },
    async () => {
      const url = testServer.server.url;
      const steps = 12;
      const input = { model: 'taef2', imageIds, steps, width: 64, height: 64, seed: 5 };
      const run = await createRun(url, input);
      const [oldListener] = await listenerPids();
      assert.ok(oldListener, 'the API process listens');

      const updates: { kind: string; status: string | null }[] = [];
      const client = wsClient(url);
      const updatesDone = new Promise<void>((resolve, reject) => {
        client.subscribe<{
          runUpdates: { kind: string; run: { id: string; status: string } | null };
        }>(
          { query: 'subscription { runUpdates { kind run { id status } } }' },
          {
            next: (result) => {
              const update = result.data?.runUpdates;
              if (!update?.run || update.run.id !== run.id) return;
              updates.push({ kind: update.kind, status: update.run.status });
              if (update.run.status === 'SUCCEEDED') resolve();
            },
            error: reject,
            complete: () => {},
          },
        );
      });

      let terminated: Promise<unknown> | undefined;
      const events = await collectProgress(client, run.id, (event) => {
        // Cut the listener as soon as the first frame arrives: later frames are stored while it is down.
        if (event.kind === 'FRAME' && !terminated) {
          terminated = admin.query('SELECT pg_terminate_backend($1)', [oldListener]);
        }
      });
      await terminated;
      await updatesDone;
      client.dispose();

      // The listener came back on a new connection.
      await waitFor('a new listener connection', async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0] !== oldListener;
      });

      const frames = events.filter((event) => event.kind === 'FRAME').map((event) => event.index);
      assert.deepEqual(
        frames,
        Array.from({ length: steps }, (_, i) => i),
        'every frame exactly once, in order',
      );
      const final = events.at(-1);
      assert.equal(final?.kind, 'STATUS');
      assert.equal(final?.status, 'SUCCEEDED');
      assert.equal(final?.done, steps);
      assert.equal(updates.at(-1)?.status, 'SUCCEEDED');
    },
  );
});

// The job queue on the embedded database (the README's run command): pg-boss's maintenance pass,
// which fails a job whose heartbeat stopped and deletes old jobs, runs clean. pg-boss reads the
// rows of every statement of its multi-statement batches (BEGIN; lock; work; COMMIT): an adapter
// that returned only the last statement's rows failed every pass, every 2 seconds, forever.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openDatabase } from '@latent-lab/db';
import { pino } from 'pino';
import { openQueue, RENDER_QUEUE } from '../src/jobs/queue.ts';

test("pg-boss's maintenance pass runs clean on the embedded database, with a finished job to keep and a live one to watch", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'latentlab-queue-'));
  const db = await openDatabase({ databaseUrl: null, dataDir });
  const logged: { msg: string; err?: { message: string } }[] = [];
  const log = pino(
    { level: 'error' },
    new Writable({
      write(line: Buffer, _encoding, done) {
        logged.push(JSON.parse(line.toString()));
        done();
      },
    }),
  );
  const boss = await openQueue(db, log, { heartbeatSeconds: 10, retryLimit: 20 });
  try {
    assert.equal(db.mode, 'pglite');
    const job = { runId: 'r1', workspaceId: 'w1', params: {}, keyframes: [] };
    await boss.send(RENDER_QUEUE, job);
    await boss.send(RENDER_QUEUE, { ...job, runId: 'r2' });
    const [finished] = await boss.fetch(RENDER_QUEUE);
    await boss.complete(RENDER_QUEUE, finished!.id);
    await boss.fetch(RENDER_QUEUE); // active, its heartbeat fresh
    // A whole pass: queue stats, heartbeat and expiry checks, the retention walk.
    await boss.supervise();
    await boss.supervise();
    assert.deepEqual(
      logged.map((entry) => `${entry.msg}: ${entry.err?.message}`),
      [],
    );
    const queue = await boss.getQueue(RENDER_QUEUE);
    assert.equal(queue?.activeCount, 1, 'the live job is left active');
  } finally {
    await boss.stop({ graceful: false });
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

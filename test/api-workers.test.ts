// Workers in their own processes (npm run worker), on PostgreSQL: frames reach a subscriber on the
// API process, a worker killed mid-run is resumed by a restarted one with exactly N identical
// frames, and cancel stops a running render within one frame.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  atFrame,
  createRun,
  gqlOk,
  startTestServer,
  uploadPhotos,
  watchRun,
  wsClient,
  type TestServer,
} from './helpers/api.ts';
import { stopProcess, WorkerProcesses } from './helpers/cluster.ts';

describe('separate worker processes (postgres)', () => {
  let testServer: TestServer;
  let server: RunningServer;
  let imageIds: string[];
  let workers: WorkerProcesses;

  async function runFrames(runId: string): Promise<{
    status: string;
    framesDone: number;
    frames: { nodes: { index: number; url: string; change: number | null }[] };
  }> {
    const { run } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { status framesDone frames(first: 1000) { nodes { index url change } } } }',
      { id: runId },
    );
    return run;
  }

  async function frameBytes(url: string): Promise<Buffer> {
    return Buffer.from(await (await fetch(server.url + url)).arrayBuffer());
  }

  before(async () => {
    testServer = await startTestServer({ name: 'workers' });
    server = testServer.server;
    workers = new WorkerProcesses({
      ...process.env,
      DATABASE_URL: testServer.database.url,
      DATA_DIR: testServer.dataDir,
    });
    imageIds = await uploadPhotos(server.url, ['astronaut', 'coffee']);
  });

  after(async () => {
    await workers?.killAll();
    await testServer?.close();
  });

  test('a worker killed mid-run is resumed by a new worker: exactly N frames, identical to an uninterrupted run', async () => {
    const steps = 16;
    const input = { model: 'taef2', imageIds, steps, width: 256, height: 256, seed: 99 };
    const run = await createRun(server.url, { ...input, method: 'SLERP', noise: { level: 0.4 } });
    const first = workers.start();
    const client = wsClient(server.url);
    try {
      // Kill the worker as soon as its third frame reaches this subscriber (through the API process).
      await atFrame(client, run.id, 2, () => first.kill('SIGKILL'));
      await once(first, 'exit').catch(() => {});
      const interrupted = await runFrames(run.id);
      assert.equal(interrupted.status, 'RUNNING');
      assert.ok(
        interrupted.framesDone >= 3 && interrupted.framesDone < steps,
        `stopped mid-run at ${interrupted.framesDone} frames`,
      );

      const second = workers.start();
      const resumedEvents = await watchRun(server.url, run.id);
      assert.equal(resumedEvents.at(-1)?.status, 'SUCCEEDED');
      const indexes = resumedEvents
        .filter((event) => event.kind === 'FRAME')
        .map((event) => event.index);
      assert.deepEqual(
        indexes,
        Array.from({ length: steps }, (_, i) => i),
        'the subscriber sees every frame once',
      );

      const resumed = await runFrames(run.id);
      assert.equal(resumed.status, 'SUCCEEDED');
      assert.equal(resumed.framesDone, steps);
      assert.deepEqual(
        resumed.frames.nodes.map((frame) => frame.index),
        Array.from({ length: steps }, (_, i) => i),
      );

      // The same parameters and seed, rendered without interruption by the second worker.
      const { rerun } = await gqlOk(
        server.url,
        'mutation ($id: ID!) { rerun(id: $id) { id seed } }',
        { id: run.id },
      );
      assert.equal(rerun.seed, 99);
      const uninterruptedEvents = await watchRun(server.url, rerun.id);
      assert.equal(uninterruptedEvents.at(-1)?.status, 'SUCCEEDED');
      const uninterrupted = await runFrames(rerun.id);
      for (let index = 0; index < steps; index++) {
        const a = await frameBytes(resumed.frames.nodes[index]!.url);
        const b = await frameBytes(uninterrupted.frames.nodes[index]!.url);
        assert.ok(a.equals(b), `frame ${index} is identical to the uninterrupted run`);
      }
      // The first frame after the resume measures its change against the stored frame before it.
      const changes = resumed.frames.nodes.map((frame) => frame.change);
      assert.equal(changes[0], null);
      assert.ok(changes.slice(1).every((change) => change !== null && change > 0 && change <= 1));
      assert.deepEqual(
        changes,
        uninterrupted.frames.nodes.map((frame) => frame.change),
        'frame changes are identical to the uninterrupted run',
      );
      await stopProcess(second, 'SIGTERM');
    } finally {
      await client.dispose();
    }
  });

  test('SIGTERM hands a running run on: the worker exits 0 and another finishes it, every frame once', async () => {
    const steps = 10;
    const input = { model: 'taef2', imageIds, steps, width: 128, height: 128, seed: 7 };
    const run = await createRun(server.url, input);
    const first = workers.start();
    let stopped: Promise<unknown> | undefined;
    let second: ChildProcess | undefined;
    const events = await watchRun(server.url, run.id, (event) => {
      if (event.kind === 'FRAME' && event.index === 1 && !stopped) {
        const exited = once(first, 'exit');
        first.kill('SIGTERM');
        // The next worker starts once the first has gone: the run waits for it in the queue.
        stopped = exited.then((result) => {
          second = workers.start();
          return result;
        });
      }
    });
    const [code] = (await stopped) as [number | null];
    assert.equal(code, 0, 'the stopped worker exits cleanly');
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    assert.deepEqual(
      events.filter((event) => event.kind === 'FRAME').map((event) => event.index),
      Array.from({ length: steps }, (_, i) => i),
    );
    const stored = await runFrames(run.id);
    assert.equal(stored.framesDone, steps);
    if (second) await stopProcess(second, 'SIGTERM');
  });

  test('no frame is stored once a run is CANCELED, and the render stops', async () => {
    const steps = 20;
    const worker = workers.start();
    let canceled: { status: string; framesDone: number } | undefined;
    let runId = '';
    try {
      const input = { model: 'taef2', imageIds, steps, width: 192, height: 192, seed: 3 };
      const run = await createRun(server.url, input);
      runId = run.id;
      let cancel: Promise<{ cancelRun: { status: string; framesDone: number } }> | undefined;
      const events = await watchRun(server.url, run.id, (event) => {
        if (event.kind === 'FRAME' && event.index === 1 && !cancel) {
          cancel = gqlOk(
            server.url,
            'mutation ($id: ID!) { cancelRun(id: $id) { status framesDone } }',
            { id: run.id },
          );
        }
      });
      canceled = (await cancel!).cancelRun;
      assert.equal(canceled.status, 'CANCELED');
      assert.equal(events.at(-1)?.status, 'CANCELED');
    } finally {
      // The worker is gone after this: whatever it was going to store, it has stored or given up.
      await stopProcess(worker, 'SIGTERM');
    }
    // The data layer orders a cancel before or after a whole frame, so the count read with the
    // CANCELED status is final: no frame is stored after it, however the timing falls.
    const stored = await runFrames(runId);
    assert.equal(stored.status, 'CANCELED');
    assert.equal(stored.framesDone, canceled.framesDone);
    assert.equal(stored.frames.nodes.length, canceled.framesDone);
    assert.ok(stored.framesDone < steps);
  });
});

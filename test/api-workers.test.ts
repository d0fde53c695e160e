// Workers in their own processes (npm run worker), on PostgreSQL: frames reach a subscriber on the
// API process, a worker killed mid-run is resumed by a restarted one with exactly N identical
// frames, and cancel stops a running render within one frame.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  collectProgress,
  CREATE_RUN,
  gqlOk,
  PHOTOS,
  REPO_DIR,
  startTestServer,
  uploadPhoto,
  wsClient,
  type ProgressEvent,
  type TestServer,
} from './helpers/api.ts';

describe('separate worker processes (postgres)', () => {
  let testServer: TestServer;
  let server: RunningServer;
  let imageIds: string[];
  const workers = new Set<ChildProcess>();

  function startWorkerProcess(): ChildProcess {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_DIR, 'apps/server/src/worker.ts')],
      {
        cwd: REPO_DIR,
        env: {
          ...process.env,
          DATABASE_URL: testServer.database.url,
          DATA_DIR: testServer.dataDir,
          LOG_LEVEL: 'warn',
          WORKER_CONCURRENCY: '1',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    workers.add(child);
    child.once('exit', () => workers.delete(child));
    return child;
  }

  async function stopWorkerProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

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
    imageIds = [
      (await uploadPhoto(server.url, PHOTOS.astronaut)).id,
      (await uploadPhoto(server.url, PHOTOS.coffee)).id,
    ];
  });

  after(async () => {
    for (const child of workers) await stopWorkerProcess(child, 'SIGKILL');
    await testServer?.close();
  });

  test('a worker killed mid-run is resumed by a new worker: exactly N frames, identical to an uninterrupted run', async () => {
    const steps = 16;
    const { createRun: run } = await gqlOk(server.url, CREATE_RUN, {
      input: {
        model: 'taef2',
        imageIds,
        steps,
        width: 256,
        height: 256,
        method: 'SLERP',
        noise: { level: 0.4 },
        seed: 99,
      },
    });
    const first = startWorkerProcess();
    const client = wsClient(server.url);
    try {
      // Kill the worker as soon as its third frame reaches this subscriber (through the API process).
      const killed = new Promise<void>((resolve, reject) => {
        collectProgress(client, run.id, (event) => {
          if (event.kind === 'FRAME' && event.index === 2) {
            first.kill('SIGKILL');
            resolve();
          }
        }).catch(reject);
      });
      await killed;
      await once(first, 'exit').catch(() => {});
      const interrupted = await runFrames(run.id);
      assert.equal(interrupted.status, 'RUNNING');
      assert.ok(
        interrupted.framesDone >= 3 && interrupted.framesDone < steps,
        `stopped mid-run at ${interrupted.framesDone} frames`,
      );

      const second = startWorkerProcess();
      const resumedEvents = await collectProgress(wsClient(server.url), run.id);
      assert.equal(resumedEvents.at(-1)?.status, 'SUCCEEDED');
      const indexes = resumedEvents
        .filter((event: ProgressEvent) => event.kind === 'FRAME')
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
      const uninterruptedEvents = await collectProgress(client, rerun.id);
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
      await stopWorkerProcess(second, 'SIGTERM');
    } finally {
      await client.dispose();
    }
  });

  test('SIGTERM hands a running run on: the worker exits 0 and another finishes it, every frame once', async () => {
    const steps = 10;
    const { createRun: run } = await gqlOk(server.url, CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps, width: 128, height: 128, seed: 7 },
    });
    const first = startWorkerProcess();
    const client = wsClient(server.url);
    try {
      let stopped: Promise<unknown> | undefined;
      let second: ChildProcess | undefined;
      const events = await collectProgress(client, run.id, (event) => {
        if (event.kind === 'FRAME' && event.index === 1 && !stopped) {
          const exited = once(first, 'exit');
          first.kill('SIGTERM');
          // The next worker starts once the first has gone: the run waits for it in the queue.
          stopped = exited.then((result) => {
            second = startWorkerProcess();
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
      if (second) await stopWorkerProcess(second, 'SIGTERM');
    } finally {
      await client.dispose();
    }
  });

  test('no frame is stored once a run is CANCELED, and the render stops', async () => {
    const steps = 20;
    const worker = startWorkerProcess();
    const client = wsClient(server.url);
    let canceled: { status: string; framesDone: number } | undefined;
    let runId = '';
    try {
      const { createRun: run } = await gqlOk(server.url, CREATE_RUN, {
        input: { model: 'taef2', imageIds, steps, width: 192, height: 192, seed: 3 },
      });
      runId = run.id;
      let cancel: Promise<{ cancelRun: { status: string; framesDone: number } }> | undefined;
      const events = await collectProgress(client, run.id, (event) => {
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
      await client.dispose();
      // The worker is gone after this: whatever it was going to store, it has stored or given up.
      await stopWorkerProcess(worker, 'SIGTERM');
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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunStatus } from '@latent-lab/domain';
import {
  createOrGetImage,
  createRun,
  deleteRun,
  framesAfter,
  getRun,
  listFrames,
  pageFrames,
  setRunStatus,
  thumbnailFrames,
  upsertFrame,
  type DbClient,
} from '../src/index.ts';
import { dbError, imageInput, MISSING_ID, runParams, suiteScope, type Scope } from './expect.ts';
import { describeEachMode } from './databases.ts';
import { prismaOf } from '../src/client.ts';

/** A QUEUED run over two fresh images. */
async function addRun(
  prisma: DbClient,
  scope: Scope,
  label: string,
  steps: number,
): Promise<string> {
  const ids: string[] = [];
  for (const side of ['a', 'b']) {
    ids.push((await createOrGetImage(prisma, imageInput(scope, `${label}-${side}`))).image.id);
  }
  const run = await createRun(prisma, { ...scope, name: label, params: runParams(ids, { steps }) });
  return run.id;
}

/** A run that is RUNNING, as the worker sees it while rendering. */
async function addRunningRun(
  prisma: DbClient,
  scope: Scope,
  label: string,
  steps: number,
): Promise<string> {
  const runId = await addRun(prisma, scope, label, steps);
  await setRunStatus(prisma, runId, 'RUNNING', { from: ['QUEUED'] });
  return runId;
}

function frame(runId: string, index: number, change: number | null) {
  return {
    runId,
    index,
    alpha: index / 10,
    noiseLevel: 0,
    storageKey: `frames/${runId}/${index}.png`,
    width: 64,
    height: 64,
    decodeMs: 1,
    change,
  };
}

async function storedIndexes(prisma: DbClient, runId: string): Promise<number[]> {
  return (await listFrames(prisma, runId)).map((stored) => stored.index);
}

describeEachMode('frames', (context) => {
  const prisma = () => context().db.client;
  const owner = suiteScope(prisma, 'Frames');

  test('change is stored (null for frame 0) and must be in [0, 1]', async () => {
    const runId = await addRunningRun(prisma(), owner(), 'change', 3);
    await upsertFrame(prisma(), frame(runId, 0, null));
    await upsertFrame(prisma(), frame(runId, 1, 0.25));
    assert.deepEqual(
      (await listFrames(prisma(), runId)).map((stored) => stored.change),
      [null, 0.25],
    );
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      await assert.rejects(
        upsertFrame(prisma(), frame(runId, 2, bad)),
        dbError('INVALID_INPUT', 'change'),
      );
    }
    assert.deepEqual(await storedIndexes(prisma(), runId), [0, 1]);
  });

  test('a frame for a run that is not RUNNING is refused and nothing is stored', async () => {
    const notRunning: RunStatus[] = ['QUEUED', 'CANCELED', 'SUCCEEDED', 'FAILED'];
    for (const status of notRunning) {
      const runId = await addRun(prisma(), owner(), `not-running-${status}`, 4);
      if (status !== 'QUEUED') await setRunStatus(prisma(), runId, status);
      const before = await getRun(prisma(), runId);
      assert.equal(before?.status, status);
      await assert.rejects(upsertFrame(prisma(), frame(runId, 0, null)), (error: unknown) => {
        dbError('RUN_NOT_RUNNING', 'runId')(error);
        assert.match(String((error as Error).message), new RegExp(`is ${status}`));
        return true;
      });
      assert.equal(await prismaOf(prisma()).frame.count({ where: { runId } }), 0);
      const after = await getRun(prisma(), runId);
      assert.equal(after?.framesDone, 0);
      assert.equal(after.status, status);
    }
    // A run that does not exist (or was deleted) is NOT_FOUND, not RUN_NOT_RUNNING.
    const deleted = await addRunningRun(prisma(), owner(), 'not-running-deleted', 4);
    await deleteRun(prisma(), deleted);
    await assert.rejects(
      upsertFrame(prisma(), frame(deleted, 0, null)),
      dbError('NOT_FOUND', 'runId'),
    );
    assert.equal(await prismaOf(prisma()).frame.count({ where: { runId: deleted } }), 0);
  });

  test('after a cancel no frame is stored, and a resumed (RUNNING again) run accepts frames', async () => {
    const runId = await addRunningRun(prisma(), owner(), 'cancel-then-frame', 4);
    await upsertFrame(prisma(), frame(runId, 0, null));
    await upsertFrame(prisma(), frame(runId, 1, 0.1));
    const canceled = await setRunStatus(prisma(), runId, 'CANCELED', { from: ['RUNNING'] });
    assert.equal(canceled.framesDone, 2);
    // The renderer had frame 2 in flight when the cancel landed: it is refused, not stored.
    await assert.rejects(
      upsertFrame(prisma(), frame(runId, 2, 0.1)),
      dbError('RUN_NOT_RUNNING', 'runId'),
    );
    // Re-sending an already stored frame is refused too: nothing about the run changes.
    await assert.rejects(
      upsertFrame(prisma(), { ...frame(runId, 1, 0.9), decodeMs: 99 }),
      dbError('RUN_NOT_RUNNING', 'runId'),
    );
    assert.deepEqual(await storedIndexes(prisma(), runId), [0, 1]);
    assert.equal((await listFrames(prisma(), runId))[1]?.decodeMs, 1);
    const after = await getRun(prisma(), runId);
    assert.equal(after?.status, 'CANCELED');
    assert.equal(after.framesDone, 2);

    // Only the status decides: back to RUNNING, frames are accepted again.
    await setRunStatus(prisma(), runId, 'RUNNING');
    await upsertFrame(prisma(), frame(runId, 2, 0.1));
    assert.deepEqual(await storedIndexes(prisma(), runId), [0, 1, 2]);
    assert.equal((await getRun(prisma(), runId))?.framesDone, 3);
  });

  test('a cancel racing with frames is ordered before or after each whole frame', async () => {
    const steps = 12;
    const runId = await addRunningRun(prisma(), owner(), 'cancel-race', steps);
    await upsertFrame(prisma(), frame(runId, 0, null));
    // Every write is started at once; the database orders them. No sleeps: whatever the order,
    // each frame is either wholly stored (and counted) or refused with RUN_NOT_RUNNING.
    const writes = Array.from({ length: steps - 1 }, (_, i) =>
      upsertFrame(prisma(), frame(runId, i + 1, 0.1)),
    );
    const cancel = setRunStatus(prisma(), runId, 'CANCELED', { from: ['RUNNING'] });
    const [results, canceled] = await Promise.all([Promise.allSettled(writes), cancel]);
    const accepted = [0];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') accepted.push(i + 1);
      else dbError('RUN_NOT_RUNNING', 'runId')(result.reason);
    });
    assert.equal(canceled.status, 'CANCELED');
    assert.deepEqual(await storedIndexes(prisma(), runId), accepted);
    const after = await getRun(prisma(), runId);
    assert.equal(after?.status, 'CANCELED');
    assert.equal(after.framesDone, accepted.length);
    // Once canceled, every further frame is refused.
    await assert.rejects(
      upsertFrame(prisma(), frame(runId, steps, 0.1)),
      dbError('RUN_NOT_RUNNING', 'runId'),
    );
    assert.deepEqual(await storedIndexes(prisma(), runId), accepted);
  });

  test('pageFrames pages by index with endCursor, and refuses a bad cursor', async () => {
    const runId = await addRunningRun(prisma(), owner(), 'pages', 7);
    for (let index = 0; index < 7; index++) {
      await upsertFrame(prisma(), frame(runId, index, index === 0 ? null : 0.1));
    }
    const pages: number[][] = [];
    const cursors: (string | null)[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await pageFrames(prisma(), runId, { first: 3, after });
      assert.equal(page.totalCount, 7);
      pages.push(page.nodes.map((stored) => stored.index));
      cursors.push(page.endCursor);
      assert.ok(page.nodes.every((stored) => stored.runId === runId));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    assert.deepEqual(pages, [[0, 1, 2], [3, 4, 5], [6]]);
    assert.deepEqual(cursors, ['2', '5', '6']);

    // Past the end: an empty page keeps the total and has no cursor.
    const beyond = await pageFrames(prisma(), runId, { first: 3, after: '6' });
    assert.deepEqual(beyond, { nodes: [], totalCount: 7, hasNextPage: false, endCursor: null });
    // Without first, one default page holds them all.
    const all = await pageFrames(prisma(), runId, {});
    assert.deepEqual(
      all.nodes.map((stored) => stored.index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.equal(all.hasNextPage, false);
    assert.deepEqual(all.nodes, await listFrames(prisma(), runId));

    for (const bad of ['garbage', '-2', '1.5', 'NaN']) {
      await assert.rejects(
        pageFrames(prisma(), runId, { first: 3, after: bad }),
        dbError('INVALID_CURSOR', 'after'),
        `cursor ${JSON.stringify(bad)}`,
      );
    }
    await assert.rejects(
      pageFrames(prisma(), runId, { first: 0 }),
      dbError('INVALID_INPUT', 'first'),
    );
    assert.deepEqual(await pageFrames(prisma(), 'not-a-uuid', { first: 3 }), {
      nodes: [],
      totalCount: 0,
      hasNextPage: false,
      endCursor: null,
    });
    const none = await pageFrames(prisma(), MISSING_ID, { first: 3 });
    assert.deepEqual(none, { nodes: [], totalCount: 0, hasNextPage: false, endCursor: null });
  });

  test('framesAfter returns the frames past an index, in order', async () => {
    const runId = await addRunningRun(prisma(), owner(), 'after', 5);
    for (const index of [3, 0, 1, 4, 2]) {
      await upsertFrame(prisma(), frame(runId, index, index === 0 ? null : 0.2));
    }
    const indexes = async (afterIndex: number) =>
      (await framesAfter(prisma(), runId, afterIndex)).map((stored) => stored.index);
    assert.deepEqual(await indexes(-1), [0, 1, 2, 3, 4]);
    assert.deepEqual(await indexes(2), [3, 4]);
    assert.deepEqual(await indexes(4), []);
    assert.deepEqual(await framesAfter(prisma(), 'not-a-uuid', -1), []);
  });

  test('thumbnails are the first, middle and last stored frames, fewer when fewer exist', async () => {
    const runId = await addRunningRun(prisma(), owner(), 'thumbs', 8);
    const indexes = async () => {
      const run = await getRun(prisma(), runId);
      assert.ok(run);
      const byRun = await thumbnailFrames(prisma(), [run]);
      return (byRun.get(runId) ?? []).map((stored) => stored.index);
    };
    assert.deepEqual(await indexes(), []);
    await upsertFrame(prisma(), frame(runId, 0, null));
    assert.deepEqual(await indexes(), [0]);
    await upsertFrame(prisma(), frame(runId, 1, 0.1));
    assert.deepEqual(await indexes(), [0, 1]);
    for (let index = 2; index < 7; index++) await upsertFrame(prisma(), frame(runId, index, 0.1));
    assert.deepEqual(await indexes(), [0, 3, 6]);
    await upsertFrame(prisma(), frame(runId, 7, 0.1));
    assert.deepEqual(await indexes(), [0, 3, 7]);
    const unknown = await thumbnailFrames(prisma(), [{ id: 'not-a-uuid', framesDone: 3 }]);
    assert.deepEqual([...unknown], [['not-a-uuid', []]]);
    assert.deepEqual([...(await thumbnailFrames(prisma(), []))], []);
  });

  test('thumbnails of several runs come from one query', async () => {
    const frameCounts = [0, 1, 2, 5, 9];
    const runIds: string[] = [];
    for (const count of frameCounts) {
      const runId = await addRunningRun(
        prisma(),
        owner(),
        `thumbs-many-${count}`,
        Math.max(count, 2),
      );
      for (let index = 0; index < count; index++) {
        await upsertFrame(prisma(), frame(runId, index, index === 0 ? null : 0.1));
      }
      runIds.push(runId);
    }
    const runs = (await Promise.all(runIds.map((id) => getRun(prisma(), id)))).map((run) => {
      assert.ok(run);
      return run;
    });
    assert.deepEqual(
      runs.map((run) => run.framesDone),
      frameCounts,
    );

    // Count the statements Prisma sends by wrapping the same client (no second connection).
    let operations = 0;
    const counting = prismaOf(prisma()).$extends({
      query: {
        async $allOperations({ args, query }) {
          operations++;
          return query(args);
        },
      },
    }) as unknown as DbClient;
    const byRun = await thumbnailFrames(counting, [...runs, { id: MISSING_ID, framesDone: 2 }]);
    assert.equal(operations, 1);

    assert.deepEqual(
      runIds.map((id) => (byRun.get(id) ?? []).map((stored) => stored.index)),
      [[], [0], [0, 1], [0, 2, 4], [0, 4, 8]],
    );
    assert.deepEqual(byRun.get(MISSING_ID), []);
    assert.equal(byRun.size, runIds.length + 1);
    for (const [runId, thumbnails] of byRun) {
      assert.ok(thumbnails.every((stored) => stored.runId === runId));
    }
  });
});

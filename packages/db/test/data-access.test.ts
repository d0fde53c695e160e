import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  DbError,
  RunStatus,
  addTags,
  countFrames,
  createOrGetImage,
  createPreset,
  createRun,
  deleteImage,
  deletePreset,
  deleteRun,
  getImage,
  getPresetByName,
  getRun,
  listFrames,
  listImages,
  listPresets,
  listRuns,
  removeTags,
  runsUsingImage,
  setRunStatus,
  updatePreset,
  upsertFrame,
  type DbErrorCode,
  type Image,
  type ListRunsArgs,
  type NewRun,
  type PrismaClient,
  type RunWithKeyframes,
} from '../src/index.ts';
import { describeEachMode } from './databases.ts';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function dbError(code: DbErrorCode, field?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof DbError, `expected a DbError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (field) assert.equal(error.field, field);
    return true;
  };
}

async function addImage(prisma: PrismaClient, label: string): Promise<Image> {
  const { image } = await createOrGetImage(prisma, {
    sha256: sha256(label),
    originalName: `${label}.png`,
    mimeType: 'image/png',
    width: 640,
    height: 480,
    byteSize: 1234,
    storageKey: `images/${sha256(label)}.png`,
  });
  return image;
}

function runInput(keyframeImageIds: string[], overrides: Partial<NewRun> = {}): NewRun {
  return {
    name: 'a run',
    model: 'taef2',
    keyframeImageIds,
    steps: 8,
    method: 'slerp',
    easing: 'linear',
    width: 128,
    height: 128,
    fit: 'cover',
    noise: { level: 0.1, mode: 'absolute', schedule: 'constant', shared: false },
    seed: 42,
    ...overrides,
  };
}

/** Every page of a listing, following endCursor. */
async function allPages(prisma: PrismaClient, args: ListRunsArgs): Promise<RunWithKeyframes[][]> {
  const pages: RunWithKeyframes[][] = [];
  let after: string | null = null;
  for (;;) {
    const page = await listRuns(prisma, { ...args, after });
    pages.push(page.nodes);
    if (!page.hasNextPage) return pages;
    after = page.endCursor;
  }
}

describeEachMode('data access', (context) => {
  const prisma = () => context().db.prisma;

  test('images are deduplicated by sha256', async () => {
    const input = {
      sha256: sha256('dedup'),
      originalName: 'first.png',
      mimeType: 'image/png',
      width: 10,
      height: 20,
      byteSize: 99,
      storageKey: 'images/dedup.png',
    };
    const first = await createOrGetImage(prisma(), input);
    const second = await createOrGetImage(prisma(), { ...input, originalName: 'second.png' });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.image.id, first.image.id);
    assert.equal(second.image.originalName, 'first.png');
    assert.deepEqual(await getImage(prisma(), first.image.id), first.image);
    assert.equal(await getImage(prisma(), 'not-a-uuid'), null);
    await assert.rejects(
      createOrGetImage(prisma(), { ...input, sha256: 'XYZ' }),
      dbError('INVALID_INPUT', 'sha256'),
    );
  });

  test('image listing pages newest first', async () => {
    const labels = ['list-a', 'list-b', 'list-c'];
    for (const label of labels) await addImage(prisma(), label);
    const all = await prisma().image.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    const first = await listImages(prisma(), { first: 2 });
    assert.equal(first.totalCount, all.length);
    assert.equal(first.hasNextPage, true);
    const rest = await listImages(prisma(), { first: 100, after: first.endCursor });
    assert.deepEqual(
      [...first.nodes, ...rest.nodes].map((image) => image.id),
      all.map((image) => image.id),
    );
    assert.equal(rest.hasNextPage, false);
    await assert.rejects(listImages(prisma(), { first: 0 }), dbError('INVALID_INPUT', 'first'));
    await assert.rejects(listImages(prisma(), { after: 'garbage' }), dbError('INVALID_CURSOR'));
  });

  test('preset CRUD, duplicate names and built-in protection', async () => {
    const created = await createPreset(prisma(), {
      name: '  Soft bell ',
      level: 0.3,
      mode: 'relative',
      schedule: 'bell',
      shared: true,
      description: 'coherent grain',
    });
    assert.equal(created.name, 'Soft bell');
    assert.equal(created.builtIn, false);
    assert.equal((await getPresetByName(prisma(), 'Soft bell'))?.id, created.id);
    assert.ok((await listPresets(prisma())).some((preset) => preset.id === created.id));

    await assert.rejects(
      createPreset(prisma(), {
        name: 'Soft bell',
        level: 1,
        mode: 'absolute',
        schedule: 'constant',
      }),
      dbError('DUPLICATE_NAME', 'name'),
    );
    await assert.rejects(
      createPreset(prisma(), { name: 'x', level: -1, mode: 'absolute', schedule: 'constant' }),
      dbError('INVALID_INPUT', 'level'),
    );
    await assert.rejects(
      // @ts-expect-error: an unknown schedule is exactly what is being refused
      createPreset(prisma(), { name: 'x', level: 1, mode: 'absolute', schedule: 'sideways' }),
      dbError('INVALID_INPUT', 'schedule'),
    );

    const updated = await updatePreset(prisma(), created.id, { level: 0.4, schedule: 'ramp-up' });
    assert.equal(updated.level, 0.4);
    assert.equal(updated.schedule, 'ramp-up');
    assert.equal(updated.mode, 'relative');
    await assert.rejects(
      updatePreset(prisma(), created.id, { name: '0.5' }),
      dbError('DUPLICATE_NAME', 'name'),
    );

    const builtIn = await getPresetByName(prisma(), '0.5');
    assert.ok(builtIn?.builtIn);
    await assert.rejects(
      updatePreset(prisma(), builtIn.id, { level: 2 }),
      dbError('BUILTIN_PRESET'),
    );
    await assert.rejects(deletePreset(prisma(), builtIn.id), dbError('BUILTIN_PRESET'));

    const [a, b] = [await addImage(prisma(), 'preset-a'), await addImage(prisma(), 'preset-b')];
    const run = await createRun(prisma(), runInput([a.id, b.id], { presetId: created.id }));
    await deletePreset(prisma(), created.id);
    assert.equal(await getPresetByName(prisma(), 'Soft bell'), null);
    const kept = await getRun(prisma(), run.id);
    assert.equal(kept?.presetId, null);
    assert.equal(kept?.noiseLevel, 0.1);
    await assert.rejects(deletePreset(prisma(), created.id), dbError('NOT_FOUND'));
  });

  test('a run keeps its keyframes in the given order, repeats included', async () => {
    const [a, b, c] = [
      await addImage(prisma(), 'order-a'),
      await addImage(prisma(), 'order-b'),
      await addImage(prisma(), 'order-c'),
    ];
    const order = [c.id, a.id, b.id, a.id];
    const run = await createRun(
      prisma(),
      runInput(order, { name: 'ordered', tags: [' sunset ', 'sunset', 'film'] }),
    );
    assert.equal(run.status, RunStatus.QUEUED);
    assert.deepEqual(run.tags, ['sunset', 'film']);
    const stored = await getRun(prisma(), run.id);
    assert.deepEqual(
      stored?.keyframes.map((keyframe) => keyframe.imageId),
      order,
    );
    assert.deepEqual(
      stored?.keyframes.map((keyframe) => keyframe.image.sha256),
      [c, a, b, a].map((image) => image.sha256),
    );
    assert.equal(stored?.noiseMode, 'absolute');
    assert.equal(await getRun(prisma(), '00000000-0000-0000-0000-000000000000'), null);

    await assert.rejects(
      createRun(prisma(), runInput([a.id])),
      dbError('INVALID_INPUT', 'keyframeImageIds'),
    );
    await assert.rejects(
      createRun(prisma(), runInput([a.id, '00000000-0000-0000-0000-000000000000'])),
      dbError('NOT_FOUND', 'keyframeImageIds'),
    );
    await assert.rejects(
      createRun(
        prisma(),
        runInput([a.id, b.id], { presetId: '00000000-0000-0000-0000-000000000000' }),
      ),
      dbError('NOT_FOUND', 'presetId'),
    );
    await assert.rejects(
      createRun(
        prisma(),
        runInput([a.id, b.id], {
          noise: { level: NaN, mode: 'absolute', schedule: 'constant', shared: false },
        }),
      ),
      dbError('INVALID_INPUT', 'noise.level'),
    );
    await assert.rejects(
      createRun(prisma(), runInput([a.id, b.id], { steps: 2.5 })),
      dbError('INVALID_INPUT', 'steps'),
    );
    await assert.rejects(
      createRun(prisma(), runInput([a.id, b.id], { seed: 2 ** 40 })),
      dbError('INVALID_INPUT', 'seed'),
    );
    await assert.rejects(
      // @ts-expect-error: an unknown method is exactly what is being refused
      createRun(prisma(), runInput([a.id, b.id], { method: 'zigzag' })),
      dbError('INVALID_INPUT', 'method'),
    );
  });

  test('deleting an image is refused while a run uses it, allowed after', async () => {
    const [a, b] = [await addImage(prisma(), 'in-use-a'), await addImage(prisma(), 'in-use-b')];
    const run = await createRun(prisma(), runInput([a.id, b.id]));
    assert.deepEqual(
      (await runsUsingImage(prisma(), a.id)).map((using) => using.id),
      [run.id],
    );
    await assert.rejects(deleteImage(prisma(), a.id), dbError('IMAGE_IN_USE', 'id'));
    assert.ok(await getImage(prisma(), a.id));

    await upsertFrame(prisma(), {
      runId: run.id,
      index: 0,
      alpha: 0,
      noiseLevel: 0.1,
      storageKey: `frames/${run.id}/0.png`,
      width: 128,
      height: 128,
      decodeMs: 12,
    });
    const deleted = await deleteRun(prisma(), run.id);
    assert.deepEqual(deleted.frameStorageKeys, [`frames/${run.id}/0.png`]);
    assert.equal(await prisma().frame.count({ where: { runId: run.id } }), 0);
    assert.equal(await prisma().runImage.count({ where: { runId: run.id } }), 0);
    await assert.rejects(deleteRun(prisma(), run.id), dbError('NOT_FOUND'));

    assert.equal((await deleteImage(prisma(), a.id)).id, a.id);
    assert.equal(await getImage(prisma(), a.id), null);
    await assert.rejects(deleteImage(prisma(), a.id), dbError('NOT_FOUND'));
  });

  test('frames upsert by (run, index): a resumed run never duplicates', async () => {
    const [a, b] = [await addImage(prisma(), 'frames-a'), await addImage(prisma(), 'frames-b')];
    const run = await createRun(prisma(), runInput([a.id, b.id], { steps: 3 }));
    const frame = (index: number, decodeMs: number) => ({
      runId: run.id,
      index,
      alpha: index / 2,
      noiseLevel: 0.1,
      storageKey: `frames/${run.id}/${index}.png`,
      width: 128,
      height: 128,
      decodeMs,
    });
    await upsertFrame(prisma(), frame(1, 10));
    await upsertFrame(prisma(), frame(0, 10));
    const again = await upsertFrame(prisma(), frame(1, 20));
    await upsertFrame(prisma(), frame(2, 10));
    assert.equal(again.decodeMs, 20);
    assert.equal(await countFrames(prisma(), run.id), 3);
    assert.deepEqual(
      (await listFrames(prisma(), run.id)).map((stored) => [stored.index, stored.decodeMs]),
      [
        [0, 10],
        [1, 20],
        [2, 10],
      ],
    );
    const stored = await getRun(prisma(), run.id);
    assert.equal(stored?.framesDone, 3);
    assert.deepEqual(
      stored?.frames.map((stored) => stored.index),
      [0, 1, 2],
    );
    await assert.rejects(
      upsertFrame(prisma(), { ...frame(0, 1), runId: '00000000-0000-0000-0000-000000000000' }),
      dbError('NOT_FOUND', 'runId'),
    );
    await assert.rejects(upsertFrame(prisma(), frame(-1, 1)), dbError('INVALID_INPUT', 'index'));
  });

  test('status changes set the timestamps; from guards the transition', async () => {
    const [a, b] = [await addImage(prisma(), 'status-a'), await addImage(prisma(), 'status-b')];
    const run = await createRun(prisma(), runInput([a.id, b.id]));
    const running = await setRunStatus(prisma(), run.id, RunStatus.RUNNING, {
      from: [RunStatus.QUEUED],
    });
    assert.equal(running.status, RunStatus.RUNNING);
    assert.ok(running.startedAt);
    assert.equal(running.finishedAt, null);

    // A resumed run keeps its first start time.
    const resumed = await setRunStatus(prisma(), run.id, RunStatus.RUNNING);
    assert.equal(resumed.startedAt?.getTime(), running.startedAt.getTime());

    const failed = await setRunStatus(prisma(), run.id, RunStatus.FAILED, {
      error: 'decoder exploded',
      encodeMs: 5,
      totalMs: 50,
    });
    assert.equal(failed.error, 'decoder exploded');
    assert.ok(failed.finishedAt);
    assert.equal(failed.totalMs, 50);

    await assert.rejects(
      setRunStatus(prisma(), run.id, RunStatus.SUCCEEDED, { from: [RunStatus.RUNNING] }),
      dbError('STATUS_CONFLICT'),
    );
    assert.equal((await getRun(prisma(), run.id))?.status, RunStatus.FAILED);
    await assert.rejects(
      setRunStatus(prisma(), '00000000-0000-0000-0000-000000000000', RunStatus.CANCELED),
      dbError('NOT_FOUND'),
    );
  });

  test('tags are added without duplicates and removed', async () => {
    const [a, b] = [await addImage(prisma(), 'tags-a'), await addImage(prisma(), 'tags-b')];
    const run = await createRun(prisma(), runInput([a.id, b.id], { tags: ['one'] }));
    assert.deepEqual((await addTags(prisma(), run.id, ['two', 'one', ' three '])).tags, [
      'one',
      'two',
      'three',
    ]);
    assert.deepEqual((await removeTags(prisma(), run.id, ['one', 'absent'])).tags, [
      'two',
      'three',
    ]);
    await assert.rejects(addTags(prisma(), run.id, ['']), dbError('INVALID_INPUT', 'tags'));
  });

  test('history: filters, search, sorts and cursor pagination across pages', async () => {
    const [a, b, c] = [
      await addImage(prisma(), 'history-a'),
      await addImage(prisma(), 'history-b'),
      await addImage(prisma(), 'history-c'),
    ];
    // Runs made by the other tests stay out of the way: everything here carries the tag 'history'.
    const base = Date.parse('2030-01-01T00:00:00Z');
    const statuses = [RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SUCCEEDED, RunStatus.FAILED];
    const created: { id: string; name: string; createdAt: Date; status: RunStatus }[] = [];
    for (let i = 0; i < 60; i++) {
      const name = `${i % 3 === 0 ? 'Sunset' : 'Forest'} 50%_${String(i).padStart(2, '0')}`;
      const run = await createRun(
        prisma(),
        runInput(i % 2 === 0 ? [a.id, b.id] : [b.id, c.id], {
          name,
          model: i % 4 === 0 ? 'other-model' : 'taef2',
          tags: ['history', ...(i % 5 === 0 ? ['fives'] : [])],
        }),
      );
      // Pairs of runs share a timestamp so the id tie-break is exercised.
      const createdAt = new Date(base + Math.floor(i / 2) * 60_000);
      const status = statuses[i % statuses.length] ?? RunStatus.QUEUED;
      await prisma().run.update({ where: { id: run.id }, data: { createdAt, status } });
      created.push({ id: run.id, name, createdAt, status });
    }
    const history = { tag: 'history' };
    const byCreatedDesc = [...created].sort(
      (x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : 1),
    );

    const pages = await allPages(prisma(), { filter: history, first: 7 });
    assert.equal(pages.length, 9);
    assert.deepEqual(
      pages.flat().map((run) => run.id),
      byCreatedDesc.map((run) => run.id),
    );
    const firstPage = await listRuns(prisma(), { filter: history, first: 7 });
    assert.equal(firstPage.totalCount, 60);
    assert.equal(firstPage.hasNextPage, true);
    assert.equal(firstPage.nodes[0]?.keyframes.length, 2);

    const ascending = (
      await allPages(prisma(), { filter: history, first: 25, sort: 'CREATED_AT_ASC' })
    ).flat();
    assert.deepEqual(
      ascending.map((run) => run.id),
      [...byCreatedDesc].reverse().map((run) => run.id),
    );

    const byName = (
      await allPages(prisma(), { filter: history, first: 11, sort: 'NAME_ASC' })
    ).flat();
    assert.equal(byName.length, 60);
    const names = byName.map((run) => run.name);
    assert.deepEqual(
      names,
      [...names].sort((x, y) => x.localeCompare(y, 'en')),
    );
    assert.ok(names[0]?.startsWith('Forest'));

    const cursor = firstPage.endCursor ?? '';
    await assert.rejects(
      listRuns(prisma(), { filter: history, after: cursor, sort: 'NAME_ASC' }),
      dbError('INVALID_CURSOR', 'after'),
    );

    const failedOrQueued = await listRuns(prisma(), {
      filter: { ...history, status: [RunStatus.FAILED, RunStatus.QUEUED] },
      first: 100,
    });
    assert.equal(failedOrQueued.totalCount, 30);
    assert.ok(
      failedOrQueued.nodes.every((run) => run.status === 'FAILED' || run.status === 'QUEUED'),
    );

    const otherModel = await listRuns(prisma(), { filter: { ...history, model: 'other-model' } });
    assert.equal(otherModel.totalCount, 15);

    const fives = await listRuns(prisma(), { filter: { tag: 'fives' }, first: 100 });
    assert.equal(fives.totalCount, 12);

    const usingC = await listRuns(prisma(), { filter: { ...history, imageId: c.id }, first: 100 });
    assert.equal(usingC.totalCount, 30);
    assert.ok(
      usingC.nodes.every((run) => run.keyframes.some((keyframe) => keyframe.imageId === c.id)),
    );

    const window = await listRuns(prisma(), {
      filter: {
        ...history,
        createdAfter: new Date(base + 10 * 60_000),
        createdBefore: new Date(base + 20 * 60_000),
      },
      first: 100,
    });
    assert.equal(window.totalCount, 20);

    const sunsets = await listRuns(prisma(), {
      filter: { ...history, search: 'sUnSeT' },
      first: 100,
    });
    assert.equal(sunsets.totalCount, 20);
    // LIKE wildcards in the search text are literal: '%_0' matches only names containing it.
    const literal = await listRuns(prisma(), { filter: { ...history, search: '%_0' }, first: 100 });
    assert.deepEqual(
      literal.nodes.map((run) => run.name).sort(),
      created
        .map((run) => run.name)
        .filter((name) => name.includes('%_0'))
        .sort(),
    );
    assert.equal(literal.totalCount, 10);

    const combined = await listRuns(prisma(), {
      filter: { ...history, search: 'forest', status: [RunStatus.SUCCEEDED], model: 'taef2' },
      first: 3,
      sort: 'NAME_DESC',
    });
    const expected = created
      .filter((run) => run.name.startsWith('Forest') && run.status === 'SUCCEEDED')
      .map((run) => run.name)
      .sort()
      .reverse();
    assert.equal(combined.totalCount, 10);
    assert.deepEqual(
      combined.nodes.map((run) => run.name),
      expected.slice(0, 3),
    );

    const empty = await listRuns(prisma(), { filter: { ...history, search: 'no such run' } });
    assert.deepEqual(empty, { nodes: [], totalCount: 0, hasNextPage: false, endCursor: null });
  });
});

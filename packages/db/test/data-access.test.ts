import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DomainError,
  MAX_SEED,
  type ImageRecord,
  type RunParams,
  type RunRecord,
  type RunStatus,
} from '@latent-lab/domain';
import {
  DbError,
  addMember,
  addTags,
  changeMember,
  countFrames,
  countRuns,
  countRunsUsingImage,
  createOrGetImage,
  createPreset,
  createRun,
  createWorkspace,
  deleteImage,
  deletePreset,
  deleteRun,
  getImage,
  getImages,
  getPresetByName,
  getRun,
  getRuns,
  listFrames,
  listImages,
  listPresets,
  listRuns,
  queueSnapshot,
  removeTags,
  recordEncodeTime,
  setRunStatus,
  updatePreset,
  upsertFrame,
  type DbClient,
  type ListRunsArgs,
  type NewRunRow,
} from '../src/index.ts';
import {
  addUser,
  dbError,
  imageInput,
  MISSING_ID,
  runParams,
  suiteScope,
  type Scope,
} from './expect.ts';
import { describeEachMode } from './databases.ts';
import { prismaOf } from '../src/client.ts';

async function addImage(prisma: DbClient, scope: Scope, label: string): Promise<ImageRecord> {
  return (await createOrGetImage(prisma, imageInput(scope, label))).image;
}

function runInput(
  scope: Scope,
  keyframes: string[],
  overrides: Partial<RunParams> = {},
  row: Omit<Partial<NewRunRow>, 'params' | 'workspaceId'> = {},
): NewRunRow {
  return { ...scope, name: 'a run', params: runParams(keyframes, overrides), ...row };
}

/** Every page of a listing, following endCursor. */
async function allPages(prisma: DbClient, args: ListRunsArgs): Promise<RunRecord[][]> {
  const pages: RunRecord[][] = [];
  let after: string | null = null;
  for (;;) {
    const page = await listRuns(prisma, { ...args, after });
    pages.push(page.nodes);
    if (!page.hasNextPage) return pages;
    after = page.endCursor;
  }
}

describeEachMode('data access', (context) => {
  const prisma = () => context().db.client;
  const owner = suiteScope(prisma, 'data-access');
  const workspaceId = () => owner().workspaceId;

  test('images are deduplicated by sha256', async () => {
    const input = { ...imageInput(owner(), 'dedup'), originalName: 'first.png' };
    const first = await createOrGetImage(prisma(), input);
    const second = await createOrGetImage(prisma(), { ...input, originalName: 'second.png' });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.image.id, first.image.id);
    assert.equal(second.image.originalName, 'first.png');
    assert.deepEqual(await getImage(prisma(), first.image.id), first.image);
    assert.deepEqual(await getImage(prisma(), first.image.id, workspaceId()), first.image);
    assert.equal(await getImage(prisma(), 'not-a-uuid'), null);
    await assert.rejects(
      createOrGetImage(prisma(), { ...input, sha256: 'XYZ' }),
      dbError('INVALID_INPUT', 'sha256'),
    );
  });

  test('image listing pages newest first', async () => {
    const labels = ['list-a', 'list-b', 'list-c'];
    for (const label of labels) await addImage(prisma(), owner(), label);
    const all = await prismaOf(prisma()).image.findMany({
      where: { workspaceId: workspaceId() },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const first = await listImages(prisma(), workspaceId(), { first: 2 });
    assert.equal(first.totalCount, all.length);
    assert.equal(first.hasNextPage, true);
    const rest = await listImages(prisma(), workspaceId(), { first: 100, after: first.endCursor });
    assert.deepEqual(
      [...first.nodes, ...rest.nodes].map((image) => image.id),
      all.map((image) => image.id),
    );
    assert.equal(rest.hasNextPage, false);
    await assert.rejects(
      listImages(prisma(), workspaceId(), { first: 0 }),
      dbError('INVALID_INPUT', 'first'),
    );
    await assert.rejects(
      listImages(prisma(), workspaceId(), { after: 'garbage' }),
      dbError('INVALID_CURSOR'),
    );
  });

  test('images: batch lookup by id skips unknown and malformed ids', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'batch-a'),
      await addImage(prisma(), owner(), 'batch-b'),
    ];
    const found = await getImages(prisma(), [b.id, MISSING_ID, 'not-a-uuid', a.id]);
    assert.deepEqual(found.map((image) => image.id).sort(), [a.id, b.id].sort());
    const scoped = await getImages(prisma(), [a.id, b.id], workspaceId());
    assert.deepEqual(scoped.map((image) => image.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(await getImages(prisma(), []), []);
    assert.deepEqual(await getImages(prisma(), ['not-a-uuid']), []);
  });

  test('preset CRUD, duplicate names and built-in protection', async () => {
    const created = await createPreset(prisma(), {
      ...owner(),
      name: 'Soft bell',
      level: 0.3,
      mode: 'relative',
      schedule: 'bell',
      shared: true,
      description: 'coherent grain',
    });
    assert.equal(created.name, 'Soft bell');
    assert.equal(created.builtIn, false);
    assert.equal(created.mode, 'relative');
    assert.equal(created.shared, true);
    assert.equal(created.description, 'coherent grain');
    assert.equal(created.workspaceId, workspaceId());
    assert.equal((await getPresetByName(prisma(), 'Soft bell', workspaceId()))?.id, created.id);
    assert.ok(
      (await listPresets(prisma(), workspaceId())).some((preset) => preset.id === created.id),
    );

    await assert.rejects(
      createPreset(prisma(), {
        ...owner(),
        name: 'Soft bell',
        level: 1,
        mode: 'absolute',
        schedule: 'constant',
        shared: false,
        description: '',
      }),
      dbError('DUPLICATE_NAME', 'name'),
    );

    const updated = await updatePreset(prisma(), created.id, workspaceId(), {
      level: 0.4,
      schedule: 'ramp-up',
    });
    assert.equal(updated.level, 0.4);
    assert.equal(updated.schedule, 'ramp-up');
    assert.equal(updated.mode, 'relative');
    await assert.rejects(
      updatePreset(prisma(), created.id, workspaceId(), { name: '0.5' }),
      dbError('DUPLICATE_NAME', 'name'),
    );
    await assert.rejects(
      updatePreset(prisma(), MISSING_ID, workspaceId(), { level: 1 }),
      dbError('NOT_FOUND'),
    );

    const builtIn = await getPresetByName(prisma(), '0.5');
    assert.ok(builtIn?.builtIn);
    await assert.rejects(
      updatePreset(prisma(), builtIn.id, workspaceId(), { level: 2 }),
      dbError('BUILTIN_PRESET'),
    );
    await assert.rejects(
      deletePreset(prisma(), builtIn.id, workspaceId()),
      dbError('BUILTIN_PRESET'),
    );

    const [a, b] = [
      await addImage(prisma(), owner(), 'preset-a'),
      await addImage(prisma(), owner(), 'preset-b'),
    ];
    const run = await createRun(
      prisma(),
      runInput(owner(), [a.id, b.id], {}, { presetId: created.id }),
    );
    assert.equal(run.presetId, created.id);
    await deletePreset(prisma(), created.id, workspaceId());
    assert.equal(await getPresetByName(prisma(), 'Soft bell', workspaceId()), null);
    const kept = await getRun(prisma(), run.id);
    assert.equal(kept?.presetId, null);
    assert.equal(kept?.params.noise.level, 0.1);
    await assert.rejects(deletePreset(prisma(), created.id, workspaceId()), dbError('NOT_FOUND'));
  });

  test('a run keeps its keyframes in the given order, repeats included', async () => {
    const [a, b, c] = [
      await addImage(prisma(), owner(), 'order-a'),
      await addImage(prisma(), owner(), 'order-b'),
      await addImage(prisma(), owner(), 'order-c'),
    ];
    const order = [c.id, a.id, b.id, a.id];
    const run = await createRun(
      prisma(),
      runInput(owner(), order, {}, { name: 'ordered', tags: ['sunset', 'film'] }),
    );
    assert.equal(run.status, 'QUEUED');
    assert.equal(run.name, 'ordered');
    assert.deepEqual(run.tags, ['sunset', 'film']);
    assert.equal(run.framesDone, 0);
    assert.equal(run.presetId, null);
    assert.deepEqual(run.params.keyframes, order);
    const stored = await getRun(prisma(), run.id);
    assert.deepEqual(stored?.params.keyframes, order);
    assert.deepEqual(stored, run);
    assert.equal(stored.params.noise.mode, 'absolute');
    assert.equal(await getRun(prisma(), MISSING_ID), null);
    assert.equal(await getRun(prisma(), 'not-a-uuid'), null);

    await assert.rejects(
      createRun(prisma(), runInput(owner(), [a.id, MISSING_ID])),
      dbError('NOT_FOUND', 'keyframes'),
    );
    await assert.rejects(
      createRun(prisma(), runInput(owner(), [a.id, 'not-a-uuid'])),
      dbError('NOT_FOUND', 'keyframes'),
    );
    await assert.rejects(
      createRun(prisma(), runInput(owner(), [a.id, b.id], {}, { presetId: MISSING_ID })),
      dbError('NOT_FOUND', 'presetId'),
    );
  });

  test('every run parameter round-trips, including seeds up to 2^32-1, fps and loop', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'params-a'),
      await addImage(prisma(), owner(), 'params-b'),
    ];
    assert.equal(MAX_SEED, 4294967295);
    const cases: RunParams[] = [
      runParams([a.id, b.id], { seed: MAX_SEED, animation: { fps: 24, loop: 'ping-pong' } }),
      runParams([b.id, a.id], {
        seed: 0,
        steps: 30,
        method: 'lerp',
        easing: 'ease-in-out',
        width: 256,
        height: 64,
        fit: 'contain',
        noise: { level: 2.5, mode: 'relative', schedule: 'bell', shared: true },
        animation: { fps: 12.5, loop: 'loop' },
      }),
      runParams([a.id, b.id], { seed: 2 ** 31, animation: { fps: 1, loop: 'loop' } }),
      runParams([a.id, b.id], { seed: MAX_SEED - 1, animation: { fps: 50, loop: 'ping-pong' } }),
    ];
    for (const params of cases) {
      const run = await createRun(prisma(), { ...owner(), name: `seed ${params.seed}`, params });
      assert.deepEqual(run.params, params);
      const stored = await getRun(prisma(), run.id);
      assert.deepEqual(stored?.params, params);
      assert.equal(typeof stored.params.seed, 'number');
    }
    const [row] = await prismaOf(prisma()).$queryRawUnsafe<{ seed: string }[]>(
      `SELECT "params"->>'seed' AS seed FROM "Run" WHERE "name" = $1`,
      `seed ${MAX_SEED}`,
    );
    assert.equal(row?.seed, '4294967295');
  });

  test('a run stored before an option existed reads with that option at its default', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'older-a'),
      await addImage(prisma(), owner(), 'older-b'),
    ];
    const params = runParams([a.id, b.id], {
      precision: 'fp32',
      animation: { fps: 12, loop: 'loop' },
    });
    const run = await createRun(prisma(), { ...owner(), name: 'older', params });
    // As if precision and the animation's loop had been added after this run was stored.
    await prismaOf(prisma()).$executeRawUnsafe(
      `UPDATE "Run" SET "params" = ("params" - 'precision') #- '{animation,loop}' WHERE "id" = $1::uuid`,
      run.id,
    );
    const stored = await getRun(prisma(), run.id);
    assert.deepEqual(stored?.params, { ...params, precision: 'auto' });
  });

  test('runs: batch lookup by id, and counts by status', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'count-a'),
      await addImage(prisma(), owner(), 'count-b'),
    ];
    const first = await createRun(
      prisma(),
      runInput(owner(), [a.id, b.id], {}, { name: 'count 1' }),
    );
    const second = await createRun(
      prisma(),
      runInput(owner(), [b.id, a.id], {}, { name: 'count 2' }),
    );
    const found = await getRuns(prisma(), [second.id, MISSING_ID, 'not-a-uuid', first.id]);
    assert.deepEqual(found.map((run) => run.id).sort(), [first.id, second.id].sort());
    assert.deepEqual(
      found.find((run) => run.id === second.id),
      second,
    );
    assert.deepEqual(await getRuns(prisma(), []), []);
    assert.deepEqual(await getRuns(prisma(), ['not-a-uuid']), []);

    const expected = async (statuses: RunStatus[]) =>
      prismaOf(prisma()).run.count({ where: { status: { in: statuses } } });
    const queued = await countRuns(prisma(), ['QUEUED']);
    assert.equal(queued, await expected(['QUEUED']));
    await setRunStatus(prisma(), first.id, 'RUNNING');
    assert.equal(await countRuns(prisma(), ['QUEUED']), queued - 1);
    assert.equal(
      await countRuns(prisma(), ['QUEUED', 'RUNNING']),
      await expected(['QUEUED', 'RUNNING']),
    );
    assert.equal(await countRuns(prisma(), []), 0);
    assert.equal(
      await countRuns(prisma(), ['QUEUED', 'RUNNING'], workspaceId()),
      await prismaOf(prisma()).run.count({
        where: { status: { in: ['QUEUED', 'RUNNING'] }, workspaceId: workspaceId() },
      }),
    );
  });

  test('deleting an image is refused while a run uses it, allowed after', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'in-use-a'),
      await addImage(prisma(), owner(), 'in-use-b'),
    ];
    const run = await createRun(prisma(), runInput(owner(), [a.id, b.id]));
    assert.equal(await countRunsUsingImage(prisma(), a.id), 1);
    await createRun(prisma(), runInput(owner(), [b.id, b.id]));
    assert.equal(await countRunsUsingImage(prisma(), b.id), 2);
    assert.equal(await countRunsUsingImage(prisma(), 'not-a-uuid'), 0);
    await assert.rejects(deleteImage(prisma(), a.id, workspaceId()), (error: unknown) => {
      dbError('IMAGE_IN_USE', 'id')(error);
      assert.ok(error instanceof DbError);
      // The message names the file the user uploaded, not the image's id.
      assert.match(error.message, /"in-use-a\.png" is a keyframe of 1 run;/);
      assert.ok(!error.message.includes(a.id), error.message);
      return true;
    });
    await assert.rejects(
      deleteImage(prisma(), b.id, workspaceId()),
      /"in-use-b\.png" is a keyframe of 2 runs;/,
    );
    assert.ok(await getImage(prisma(), a.id));

    await setRunStatus(prisma(), run.id, 'RUNNING');
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
    assert.equal(await prismaOf(prisma()).frame.count({ where: { runId: run.id } }), 0);
    assert.equal(await prismaOf(prisma()).runImage.count({ where: { runId: run.id } }), 0);
    await assert.rejects(deleteRun(prisma(), run.id), dbError('NOT_FOUND'));
    assert.equal(await countRunsUsingImage(prisma(), a.id), 0);

    assert.equal((await deleteImage(prisma(), a.id, workspaceId())).id, a.id);
    assert.equal(await getImage(prisma(), a.id), null);
    await assert.rejects(deleteImage(prisma(), a.id, workspaceId()), dbError('NOT_FOUND'));
  });

  test('frames upsert by (run, index): a resumed run never duplicates', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'frames-a'),
      await addImage(prisma(), owner(), 'frames-b'),
    ];
    const run = await createRun(prisma(), runInput(owner(), [a.id, b.id], { steps: 3 }));
    await setRunStatus(prisma(), run.id, 'RUNNING');
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
    assert.equal(again.runId, run.id);
    assert.equal(again.index, 1);
    assert.equal(await countFrames(prisma(), run.id), 3);
    assert.equal(await countFrames(prisma(), 'not-a-uuid'), 0);
    assert.deepEqual(
      (await listFrames(prisma(), run.id)).map((stored) => [stored.index, stored.decodeMs]),
      [
        [0, 10],
        [1, 20],
        [2, 10],
      ],
    );
    assert.deepEqual(await listFrames(prisma(), 'not-a-uuid'), []);
    const stored = await getRun(prisma(), run.id);
    assert.equal(stored?.framesDone, 3);
    assert.ok(!('frames' in stored), 'getRun returns the run without its frames');
    await assert.rejects(
      upsertFrame(prisma(), { ...frame(0, 1), runId: MISSING_ID }),
      dbError('NOT_FOUND', 'runId'),
    );
    await assert.rejects(
      upsertFrame(prisma(), { ...frame(0, 1), runId: 'not-a-uuid' }),
      dbError('NOT_FOUND', 'runId'),
    );
    await assert.rejects(upsertFrame(prisma(), frame(-1, 1)), dbError('INVALID_INPUT', 'index'));
    await assert.rejects(upsertFrame(prisma(), frame(0.5, 1)), dbError('INVALID_INPUT', 'index'));
  });

  test('status changes set the timestamps; from guards the transition', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'status-a'),
      await addImage(prisma(), owner(), 'status-b'),
    ];
    const run = await createRun(prisma(), runInput(owner(), [a.id, b.id]));
    const running = await setRunStatus(prisma(), run.id, 'RUNNING', { from: ['QUEUED'] });
    assert.equal(running.status, 'RUNNING');
    assert.ok(running.startedAt);
    assert.equal(running.finishedAt, null);
    assert.deepEqual(running.params, run.params);

    // A resumed run keeps its first start time.
    const resumed = await setRunStatus(prisma(), run.id, 'RUNNING');
    assert.equal(resumed.startedAt?.getTime(), running.startedAt.getTime());

    // The encode time is recorded while the run runs, once: a resumed render's does not replace it.
    await recordEncodeTime(prisma(), run.id, 5);
    await recordEncodeTime(prisma(), run.id, 0);
    assert.equal((await getRun(prisma(), run.id))?.encodeMs, 5);

    const failed = await setRunStatus(prisma(), run.id, 'FAILED', {
      error: 'decoder exploded',
      totalMs: 50,
    });
    assert.equal(failed.error, 'decoder exploded');
    assert.ok(failed.finishedAt);
    assert.equal(failed.encodeMs, 5);
    assert.equal(failed.totalMs, 50);

    await assert.rejects(
      setRunStatus(prisma(), run.id, 'SUCCEEDED', { from: ['RUNNING'] }),
      dbError('STATUS_CONFLICT'),
    );
    assert.equal((await getRun(prisma(), run.id))?.status, 'FAILED');

    // Back to QUEUED (a retry) clears the error and finishedAt.
    const requeued = await setRunStatus(prisma(), run.id, 'QUEUED');
    assert.equal(requeued.error, null);
    assert.equal(requeued.finishedAt, null);

    await assert.rejects(setRunStatus(prisma(), MISSING_ID, 'CANCELED'), dbError('NOT_FOUND'));
    await assert.rejects(setRunStatus(prisma(), 'not-a-uuid', 'CANCELED'), dbError('NOT_FOUND'));
  });

  test("creatorRoles starts a run only while its creator holds one of the roles in the run's workspace", async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'creator-a'),
      await addImage(prisma(), owner(), 'creator-b'),
    ];
    const member = await addUser(prisma(), 'creator-member');
    await addMember(prisma(), { workspaceId: workspaceId(), userId: member.id, role: 'MEMBER' });
    const byMember = { workspaceId: workspaceId(), createdById: member.id };
    const start = (id: string) =>
      setRunStatus(prisma(), id, 'RUNNING', {
        from: ['QUEUED'],
        creatorRoles: ['OWNER', 'ADMIN', 'MEMBER'],
      });
    const first = await createRun(prisma(), runInput(byMember, [a.id, b.id]));
    assert.equal((await start(first.id)).status, 'RUNNING');

    // A viewer now: the run stays QUEUED. A member of another workspace counts for nothing here.
    const second = await createRun(prisma(), runInput(byMember, [a.id, b.id]));
    await changeMember(prisma(), { workspaceId: workspaceId(), userId: member.id, role: 'VIEWER' });
    const elsewhere = await createWorkspace(prisma(), { name: 'elsewhere', ownerId: member.id });
    assert.ok(elsewhere.id);
    await assert.rejects(start(second.id), dbError('CREATOR_NOT_ALLOWED'));
    assert.equal((await getRun(prisma(), second.id))?.status, 'QUEUED');
    await changeMember(prisma(), { workspaceId: workspaceId(), userId: member.id, role: null });
    await assert.rejects(start(second.id), dbError('CREATOR_NOT_ALLOWED'));

    // A run that is no longer QUEUED is a status conflict, whoever created it.
    await setRunStatus(prisma(), second.id, 'CANCELED');
    await assert.rejects(start(second.id), dbError('STATUS_CONFLICT'));
  });

  test('tags are added without duplicates and removed', async () => {
    const [a, b] = [
      await addImage(prisma(), owner(), 'tags-a'),
      await addImage(prisma(), owner(), 'tags-b'),
    ];
    const run = await createRun(prisma(), runInput(owner(), [a.id, b.id], {}, { tags: ['one'] }));
    const added = await addTags(prisma(), run.id, ['two', 'one', ' three ']);
    assert.deepEqual(added.tags, ['one', 'two', 'three']);
    assert.equal(added.id, run.id);
    assert.deepEqual(added.params, run.params);
    const removed = await removeTags(prisma(), run.id, ['one', 'absent', ' two ']);
    assert.deepEqual(removed.tags, ['three']);
    assert.deepEqual((await getRun(prisma(), run.id))?.tags, ['three']);
    // The merged list is checked with the domain's tag rules (a DomainError, not a DbError).
    await assert.rejects(
      addTags(prisma(), run.id, ['']),
      (error: unknown) => error instanceof DomainError && error.code === 'INVALID_INPUT',
    );
    await assert.rejects(addTags(prisma(), MISSING_ID, ['x']), dbError('NOT_FOUND', 'id'));
    await assert.rejects(removeTags(prisma(), 'not-a-uuid', ['x']), dbError('NOT_FOUND', 'id'));
    assert.deepEqual((await getRun(prisma(), run.id))?.tags, ['three']);
  });

  test('history: filters, search, sorts and cursor pagination across pages', async () => {
    const [a, b, c] = [
      await addImage(prisma(), owner(), 'history-a'),
      await addImage(prisma(), owner(), 'history-b'),
      await addImage(prisma(), owner(), 'history-c'),
    ];
    // Runs made by the other tests stay out of the way: everything here carries the tag 'history'.
    const base = Date.parse('2030-01-01T00:00:00Z');
    const statuses: RunStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'];
    const created: { id: string; name: string; createdAt: Date; status: RunStatus }[] = [];
    for (let i = 0; i < 60; i++) {
      const name = `${i % 3 === 0 ? 'Sunset' : 'Forest'} 50%_${String(i).padStart(2, '0')}`;
      const run = await createRun(
        prisma(),
        runInput(
          owner(),
          i % 2 === 0 ? [a.id, b.id] : [b.id, c.id],
          { model: i % 4 === 0 ? 'other-model' : 'taef2' },
          { name, tags: ['history', ...(i % 5 === 0 ? ['fives'] : [])] },
        ),
      );
      // Pairs of runs share a timestamp so the id tie-break is exercised.
      const createdAt = new Date(base + Math.floor(i / 2) * 60_000);
      const status = statuses[i % statuses.length] ?? 'QUEUED';
      await prismaOf(prisma()).run.update({ where: { id: run.id }, data: { createdAt, status } });
      created.push({ id: run.id, name, createdAt, status });
    }
    const history = { tag: 'history', workspaceId: workspaceId() };
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
    assert.equal(firstPage.nodes[0]?.params.keyframes.length, 2);

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
      filter: { ...history, status: ['FAILED', 'QUEUED'] },
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
    assert.ok(usingC.nodes.every((run) => run.params.keyframes.includes(c.id)));

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
      filter: { ...history, search: 'forest', status: ['SUCCEEDED'], model: 'taef2' },
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

  test('the name sort ignores case; equal lowercased names are ordered by id', async () => {
    const image = await addImage(prisma(), owner(), 'name-case');
    const names = ['banana', 'Apple', 'Date', 'apple pie', 'APPLE', 'cherry'];
    const runs = [];
    for (const name of names)
      runs.push(
        await createRun(
          prisma(),
          runInput(owner(), [image.id, image.id], {}, { name, tags: ['case'] }),
        ),
      );
    const [appleId, upperAppleId] = [runs[1]!.id, runs[4]!.id].sort();
    const filter = { tag: 'case', workspaceId: workspaceId() };
    const ascending = ['apple', 'apple', 'apple pie', 'banana', 'cherry', 'date'];
    for (const first of [1, 4]) {
      const upward = (await allPages(prisma(), { filter, first, sort: 'NAME_ASC' })).flat();
      assert.deepEqual(
        upward.map((run) => run.name.toLowerCase()),
        ascending,
      );
      assert.deepEqual(
        upward.slice(0, 2).map((run) => run.id),
        [appleId, upperAppleId],
      );
      const downward = (await allPages(prisma(), { filter, first, sort: 'NAME_DESC' })).flat();
      assert.deepEqual(
        downward.map((run) => run.id),
        [...upward].reverse().map((run) => run.id),
      );
    }
  });
  test('the queue snapshot: queued runs oldest first, frames left of running runs, recent time per frame', async () => {
    const image = await addImage(prisma(), owner(), 'queue');
    const make = async (steps: number, createdAt: string) => {
      const run = await createRun(
        prisma(),
        runInput(owner(), [image.id, image.id], { steps }, { tags: ['queue'] }),
      );
      // Far in the future, so these are the newest runs of the database whatever ran before.
      await prismaOf(prisma()).run.update({
        where: { id: run.id },
        data: { createdAt: new Date(createdAt) },
      });
      return run;
    };
    const later = await make(7, '2101-01-01T00:00:02Z');
    const sooner = await make(5, '2101-01-01T00:00:01Z');
    const rendering = await make(9, '2101-01-01T00:00:00Z');
    await setRunStatus(prisma(), rendering.id, 'RUNNING');
    await prismaOf(prisma()).run.update({ where: { id: rendering.id }, data: { framesDone: 4 } });
    for (const [steps, totalMs] of [
      [4, 400],
      [6, 1800],
    ] as const) {
      const done = await make(steps, '2101-01-01T00:00:03Z');
      await setRunStatus(prisma(), done.id, 'SUCCEEDED', { totalMs });
      await prismaOf(prisma()).run.update({
        where: { id: done.id },
        data: { finishedAt: new Date(`2101-01-0${steps}T00:00:00Z`) },
      });
    }

    const snapshot = await queueSnapshot(prisma(), 2);
    const ours = snapshot.queued.filter((run) => run.id === later.id || run.id === sooner.id);
    assert.deepEqual(ours, [
      { id: sooner.id, steps: 5 },
      { id: later.id, steps: 7 },
    ]);
    assert.deepEqual(snapshot.queued.slice(-2), ours, 'the newest queued runs come last');
    assert.ok(
      snapshot.runningFramesLeft.includes(5),
      `9 steps, 4 done: ${snapshot.runningFramesLeft}`,
    );
    // (400 + 1800) ms over (4 + 6) frames.
    assert.equal(snapshot.msPerFrame, 220);
  });
});

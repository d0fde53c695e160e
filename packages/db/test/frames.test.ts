import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  DbError,
  createOrGetImage,
  createRun,
  listFrames,
  listThumbnailFrames,
  upsertFrame,
  type PrismaClient,
} from '../src/index.ts';
import { describeEachMode } from './databases.ts';

async function addRun(prisma: PrismaClient, label: string, steps: number): Promise<string> {
  const ids: string[] = [];
  for (const side of ['a', 'b']) {
    const sha256 = createHash('sha256').update(`${label}-${side}`).digest('hex');
    const { image } = await createOrGetImage(prisma, {
      sha256,
      originalName: `${label}-${side}.png`,
      mimeType: 'image/png',
      width: 64,
      height: 64,
      byteSize: 100,
      storageKey: `images/${sha256}.png`,
    });
    ids.push(image.id);
  }
  const run = await createRun(prisma, {
    name: label,
    model: 'taef2',
    keyframeImageIds: ids,
    steps,
    method: 'lerp',
    easing: 'linear',
    width: 64,
    height: 64,
    fit: 'cover',
    noise: { level: 0, mode: 'absolute', schedule: 'constant', shared: false },
    seed: 1,
  });
  return run.id;
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

describeEachMode('frames: change and thumbnails', (context) => {
  const prisma = () => context().db.prisma;

  test('change is stored (null for frame 0) and must be in [0, 1]', async () => {
    const runId = await addRun(prisma(), 'change', 3);
    await upsertFrame(prisma(), frame(runId, 0, null));
    await upsertFrame(prisma(), frame(runId, 1, 0.25));
    assert.deepEqual(
      (await listFrames(prisma(), runId)).map((stored) => stored.change),
      [null, 0.25],
    );
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      await assert.rejects(
        upsertFrame(prisma(), frame(runId, 2, bad)),
        (error: unknown) =>
          error instanceof DbError && error.code === 'INVALID_INPUT' && error.field === 'change',
      );
    }
  });

  test('thumbnails are the first, middle and last stored frames, fewer when fewer exist', async () => {
    const runId = await addRun(prisma(), 'thumbs', 8);
    const indexes = async () =>
      (await listThumbnailFrames(prisma(), runId)).map((stored) => stored.index);
    assert.deepEqual(await indexes(), []);
    await upsertFrame(prisma(), frame(runId, 0, null));
    assert.deepEqual(await indexes(), [0]);
    await upsertFrame(prisma(), frame(runId, 1, 0.1));
    assert.deepEqual(await indexes(), [0, 1]);
    for (let index = 2; index < 7; index++) await upsertFrame(prisma(), frame(runId, index, 0.1));
    assert.deepEqual(await indexes(), [0, 3, 6]);
    await upsertFrame(prisma(), frame(runId, 7, 0.1));
    assert.deepEqual(await indexes(), [0, 3, 7]);
    assert.deepEqual(await listThumbnailFrames(prisma(), 'not-a-uuid'), []);
  });
});

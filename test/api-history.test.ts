// Run history (filters, sort, cursor pagination), tags, presets, rerun, cancel of a queued run,
// delete rules and the runUpdates feed, on PostgreSQL. No worker runs here, so runs stay QUEUED.
import assert from 'node:assert/strict';
import { loadConfig } from '@latent-lab/config';
import { before, describe, test } from 'node:test';
import type { RunningServer } from '../apps/server/src/index.ts';
import { createRun, gql, gqlOk, uploadPhotos, useTestServer, wsClient } from './helpers/api.ts';

const RUNS = 30;

const RUNS_QUERY = `query ($first: Int!, $after: String, $filter: RunsFilter, $sort: RunSort) {
  runs(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount hasNextPage endCursor nodes { id name status model tags createdAt }
  }
}`;

interface RunNode {
  id: string;
  name: string;
  status: string;
  model: string;
  tags: string[];
  createdAt: string;
}

describe('run history, presets and run management (postgres)', () => {
  const testServer = useTestServer({
    name: 'history',
    auth: { ...loadConfig({}).auth, maxActiveRuns: 1000 },
  });
  let server: RunningServer;
  const images: Record<'chelsea' | 'coffee' | 'astronaut', string> = {
    chelsea: '',
    coffee: '',
    astronaut: '',
  };
  const created: {
    id: string;
    name: string;
    model: string;
    tags: string[];
    usesAstronaut: boolean;
  }[] = [];

  async function allPages(
    filter: object | null,
    sort: object | null,
    first = 7,
  ): Promise<{ nodes: RunNode[]; totalCount: number }> {
    const nodes: RunNode[] = [];
    let afterCursor: string | null = null;
    let totalCount = 0;
    for (;;) {
      const {
        runs,
      }: {
        runs: {
          nodes: RunNode[];
          totalCount: number;
          hasNextPage: boolean;
          endCursor: string | null;
        };
      } = await gqlOk(server.url, RUNS_QUERY, { first, after: afterCursor, filter, sort });
      nodes.push(...runs.nodes);
      totalCount = runs.totalCount;
      if (!runs.hasNextPage) break;
      afterCursor = runs.endCursor;
    }
    return { nodes, totalCount };
  }

  before(async () => {
    // More queued runs than the default quota of active runs: no worker renders them here.
    server = testServer.server;
    [images.chelsea, images.coffee, images.astronaut] = await uploadPhotos(server.url, [
      'chelsea',
      'coffee',
      'astronaut',
    ]);
    for (let i = 0; i < RUNS; i++) {
      const usesAstronaut = i % 5 === 0;
      const input = {
        name: `${i % 2 === 0 ? 'Alpha' : 'beta'} run ${String(i).padStart(2, '0')}`,
        model: i % 3 === 0 ? 'taesd' : 'taef2',
        imageIds: [images.chelsea, usesAstronaut ? images.astronaut : images.coffee],
        steps: 4,
        width: 128,
        height: 128,
        seed: i,
        tags: i % 4 === 0 ? ['keep'] : [],
      };
      created.push({
        id: (await createRun(server.url, input)).id,
        name: input.name,
        model: input.model,
        tags: input.tags,
        usesAstronaut,
      });
    }
  });

  test('cursor pagination walks every run once, newest first', async () => {
    const { nodes, totalCount } = await allPages(null, null);
    assert.equal(totalCount, RUNS);
    assert.equal(new Set(nodes.map((node) => node.id)).size, RUNS);
    assert.deepEqual(
      nodes.map((node) => node.id),
      [...created].reverse().map((run) => run.id),
    );
    const bad = await gql(server.url, RUNS_QUERY, { first: 5, after: 'garbage' });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors?.[0]?.message ?? '', /after/);
  });

  test('filters: status, model, tag, image, created range, name search; sort by name', async () => {
    const canceled = created.slice(0, 4);
    for (const run of canceled) {
      const { cancelRun } = await gqlOk(
        server.url,
        'mutation ($id: ID!) { cancelRun(id: $id) { status finishedAt } }',
        { id: run.id },
      );
      assert.equal(cancelRun.status, 'CANCELED');
      assert.ok(cancelRun.finishedAt);
    }
    const byStatus = await allPages({ status: ['CANCELED'] }, null);
    assert.deepEqual(
      new Set(byStatus.nodes.map((node) => node.id)),
      new Set(canceled.map((run) => run.id)),
    );
    assert.equal(
      (await allPages({ status: ['QUEUED', 'RUNNING'] }, null)).totalCount,
      RUNS - canceled.length,
    );

    const taesd = await allPages({ model: 'taesd' }, null);
    assert.equal(taesd.totalCount, created.filter((run) => run.model === 'taesd').length);
    assert.ok(taesd.nodes.every((node) => node.model === 'taesd'));

    const kept = await allPages({ tag: 'keep' }, null);
    assert.equal(kept.totalCount, created.filter((run) => run.tags.includes('keep')).length);

    const astronaut = await allPages({ imageId: images.astronaut }, null, 3);
    assert.deepEqual(
      new Set(astronaut.nodes.map((node) => node.id)),
      new Set(created.filter((run) => run.usesAstronaut).map((run) => run.id)),
    );

    const search = await allPages({ search: 'BETA RUN' }, null);
    assert.equal(search.totalCount, RUNS / 2);
    assert.ok(search.nodes.every((node) => node.name.startsWith('beta')));

    const all = (await allPages(null, null)).nodes.reverse();
    const from = all[10]!.createdAt;
    const to = all[20]!.createdAt;
    const range = await allPages({ createdAfter: from, createdBefore: to }, null);
    assert.equal(
      range.totalCount,
      all.filter((node) => node.createdAt >= from && node.createdAt < to).length,
    );
    assert.ok(range.totalCount >= 1);

    const byName = await allPages(null, { field: 'NAME', direction: 'ASC' }, 4);
    const names = byName.nodes.map((node) => node.name);
    assert.equal(names.length, RUNS);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const combined = await allPages(
      { search: 'alpha', model: 'taef2', status: ['QUEUED'] },
      { field: 'NAME', direction: 'DESC' },
      2,
    );
    const expected = created.filter(
      (run, i) => run.name.startsWith('Alpha') && run.model === 'taef2' && i >= canceled.length,
    );
    assert.equal(combined.totalCount, expected.length);
    assert.deepEqual(
      combined.nodes.map((node) => node.name),
      expected
        .map((run) => run.name)
        .sort()
        .reverse(),
    );
  });

  test('tag and untag', async () => {
    const id = created[1]!.id;
    const { tagRun } = await gqlOk(
      server.url,
      'mutation ($id: ID!) { tagRun(id: $id, tags: ["best", " keep ", "best"]) { tags } }',
      { id },
    );
    assert.deepEqual(tagRun.tags, ['best', 'keep']);
    const { untagRun } = await gqlOk(
      server.url,
      'mutation ($id: ID!) { untagRun(id: $id, tags: ["keep"]) { tags } }',
      { id },
    );
    assert.deepEqual(untagRun.tags, ['best']);
    assert.equal((await allPages({ tag: 'best' }, null)).totalCount, 1);
  });

  test('noise preset CRUD; runs keep their noise snapshot', async () => {
    const { noisePresets } = await gqlOk(server.url, '{ noisePresets { id name level builtIn } }');
    assert.deepEqual(
      noisePresets
        .filter((preset: { builtIn: boolean }) => preset.builtIn)
        .map((preset: { name: string }) => preset.name)
        .sort(),
      ['0.1', '0.5', '1.0', 'none'],
    );
    const builtIn = noisePresets.find((preset: { name: string }) => preset.name === '0.5');
    const { createNoisePreset: soft } = await gqlOk(
      server.url,
      'mutation { createNoisePreset(input: { name: "soft", level: 0.3, mode: RELATIVE, schedule: BELL, shared: true, description: "gentle" }) { id name level mode schedule shared description builtIn } }',
    );
    assert.deepEqual(
      { ...soft, id: undefined },
      {
        id: undefined,
        name: 'soft',
        level: 0.3,
        mode: 'RELATIVE',
        schedule: 'BELL',
        shared: true,
        description: 'gentle',
        builtIn: false,
      },
    );
    const duplicate = await gql(
      server.url,
      'mutation { createNoisePreset(input: { name: "soft", level: 1 }) { id } }',
    );
    assert.equal(duplicate.errors?.[0]?.extensions?.code, 'CONFLICT');
    const badLevel = await gql(
      server.url,
      'mutation { createNoisePreset(input: { name: "neg", level: -2 }) { id } }',
    );
    assert.equal(badLevel.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

    const run = await createRun(server.url, {
      model: 'taef2',
      imageIds: [images.chelsea, images.coffee],
      steps: 3,
      width: 64,
      height: 64,
      presetId: soft.id,
    });
    assert.equal(run.presetId, soft.id);
    assert.deepEqual(run.noise, { level: 0.3, mode: 'RELATIVE', schedule: 'BELL', shared: true });
    const { rerun } = await gqlOk(
      server.url,
      'mutation ($id: ID!) { rerun(id: $id) { presetId noise { level } } }',
      {
        id: run.id,
      },
    );
    assert.deepEqual(
      rerun,
      { presetId: soft.id, noise: { level: 0.3 } },
      'a rerun keeps the noise and its preset',
    );

    const { updateNoisePreset } = await gqlOk(
      server.url,
      'mutation ($id: ID!) { updateNoisePreset(id: $id, input: { level: 0.7, description: null }) { level description } }',
      { id: soft.id },
    );
    assert.deepEqual(updateNoisePreset, { level: 0.7, description: 'gentle' });
    const locked = await gql(
      server.url,
      'mutation ($id: ID!) { updateNoisePreset(id: $id, input: { level: 2 }) { id } }',
      { id: builtIn.id },
    );
    assert.equal(locked.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const lockedDelete = await gql(
      server.url,
      'mutation ($id: ID!) { deleteNoisePreset(id: $id) }',
      { id: builtIn.id },
    );
    assert.equal(lockedDelete.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    assert.equal(
      (
        await gqlOk(server.url, 'mutation ($id: ID!) { deleteNoisePreset(id: $id) }', {
          id: soft.id,
        })
      ).deleteNoisePreset,
      true,
    );
    const { run: after } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { presetId noise { level mode } } }',
      { id: run.id },
    );
    assert.deepEqual(after, { presetId: null, noise: { level: 0.3, mode: 'RELATIVE' } });
    const gone = await gql(server.url, 'mutation ($id: ID!) { deleteNoisePreset(id: $id) }', {
      id: soft.id,
    });
    assert.equal(gone.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  test('rerun copies the parameters and applies overrides', async () => {
    const source = created[7]!;
    const { rerun } = await gqlOk(
      server.url,
      'mutation ($id: ID!) { rerun(id: $id, overrides: { seed: 12345, steps: 6 }) { id name model seed steps width tags keyframes { id } status } }',
      { id: source.id },
    );
    assert.notEqual(rerun.id, source.id);
    assert.equal(rerun.model, source.model);
    assert.equal(rerun.seed, 12345);
    assert.equal(rerun.steps, 6);
    assert.equal(rerun.width, 128);
    assert.equal(rerun.status, 'QUEUED');
    assert.deepEqual(
      rerun.keyframes.map((image: { id: string }) => image.id),
      [images.chelsea, images.coffee],
    );
    const bad = await gql(
      server.url,
      'mutation ($id: ID!) { rerun(id: $id, overrides: { width: 13 }) { id } }',
      { id: source.id },
    );
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test('runUpdates feeds the history list; an image in use cannot be deleted', async () => {
    const client = wsClient(server.url);
    const updates: { kind: string; runId: string; run: { name: string } | null }[] = [];
    let sawDeleted: () => void = () => {};
    const deleted = new Promise<void>((resolve) => (sawDeleted = resolve));
    const ready = new Promise<void>((resolve) => {
      client.on('connected', () => setTimeout(resolve, 100));
    });
    const unsubscribe = client.subscribe<{ runUpdates: (typeof updates)[number] }>(
      { query: 'subscription { runUpdates { kind runId run { name } } }' },
      {
        next: (result) => {
          updates.push(result.data!.runUpdates);
          if (result.data!.runUpdates.kind === 'DELETED') sawDeleted();
        },
        error: () => {},
        complete: () => {},
      },
    );
    try {
      await ready;
      const inUse = await gql(server.url, 'mutation ($id: ID!) { deleteImage(id: $id) }', {
        id: images.astronaut,
      });
      assert.equal(inUse.errors?.[0]?.extensions?.code, 'CONFLICT');

      const fed = await createRun(server.url, {
        name: 'feed me',
        model: 'taef2',
        imageIds: [images.coffee, images.chelsea],
        steps: 2,
        width: 64,
        height: 64,
      });
      for (const run of created.filter((item) => item.usesAstronaut)) {
        assert.equal(
          (await gqlOk(server.url, 'mutation ($id: ID!) { deleteRun(id: $id) }', { id: run.id }))
            .deleteRun,
          true,
        );
      }
      await deleted;
      const { deleteImage } = await gqlOk(
        server.url,
        'mutation ($id: ID!) { deleteImage(id: $id) }',
        { id: images.astronaut },
      );
      assert.equal(deleteImage, true);
      assert.equal(
        (
          await gqlOk(server.url, 'query ($id: ID!) { image(id: $id) { id } }', {
            id: images.astronaut,
          })
        ).image,
        null,
      );

      const createdUpdate = updates.find(
        (update) => update.kind === 'CREATED' && update.runId === fed.id,
      );
      assert.equal(createdUpdate?.run?.name, 'feed me');
      const deletedUpdate = updates.find((update) => update.kind === 'DELETED');
      assert.equal(deletedUpdate?.run, null);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });
});

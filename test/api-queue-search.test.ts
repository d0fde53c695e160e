// The runs list's queue and filters through real HTTP, on PostgreSQL: queued runs report their
// place in the system's queue and an estimated start from the recent time per frame; search finds
// text in names, notes and tags; a created-at range that ends before it starts is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createRun,
  gql,
  gqlOk,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';

const QUEUE = `query ($id: ID!) { run(id: $id) { status queuePosition estimatedStartAt } }`;
const QUEUED_RUNS = `{ runs(first: 100, filter: { status: [QUEUED] }, sort: { field: CREATED_AT, direction: ASC }) {
  nodes { id steps queuePosition estimatedStartAt }
} }`;
const SEARCH = `query ($filter: RunsFilter) { runs(first: 100, filter: $filter) { totalCount nodes { name } } }`;

interface QueuedRun {
  id: string;
  steps: number;
  queuePosition: number | null;
  estimatedStartAt: string | null;
}

describe('queue places and run search (postgres)', () => {
  let testServer: TestServer;
  let imageIds: string[] = [];
  const url = () => testServer.server.url;
  const tinyRun = (input: Record<string, unknown> = {}) =>
    createRun(url(), { model: 'taef2', imageIds, steps: 3, width: 64, height: 64, ...input });

  before(async () => {
    // No worker: runs stay QUEUED until the server restarts with one.
    testServer = await startTestServer({ name: 'queue_search' });
    imageIds = await uploadPhotos(url(), ['chelsea', 'coffee']);
  });

  after(async () => {
    await testServer?.close();
  });

  test('a queued run has a place; its start is estimated once some run has succeeded', async () => {
    const first = await tinyRun();
    const { run: waiting } = await gqlOk(url(), QUEUE, { id: first.id });
    assert.deepEqual(waiting, { status: 'QUEUED', queuePosition: 1, estimatedStartAt: null });

    // A worker renders it: a finished run has no place, and its time per frame is on record.
    await testServer.restart({ workerInProcess: true });
    const events = await watchRun(url(), String(first.id));
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    const { run: done } = await gqlOk(url(), QUEUE, { id: first.id });
    assert.deepEqual(done, { status: 'SUCCEEDED', queuePosition: null, estimatedStartAt: null });

    // Workers stopped again: three runs wait, in the order they were created.
    await testServer.restart({ workerInProcess: false });
    const created = [];
    for (const steps of [4, 6, 2]) created.push((await tinyRun({ steps })).id);
    const { runs } = await gqlOk<{ runs: { nodes: QueuedRun[] } }>(url(), QUEUED_RUNS);
    assert.deepEqual(
      runs.nodes.map((run) => run.id),
      created,
    );
    assert.deepEqual(
      runs.nodes.map((run) => run.queuePosition),
      [1, 2, 3],
    );
    const starts = runs.nodes.map((run) => Date.parse(run.estimatedStartAt ?? ''));
    assert.ok(
      starts.every((start) => Number.isFinite(start)),
      `every start estimated: ${JSON.stringify(runs.nodes)}`,
    );
    // Each run waits for the frames of the runs ahead of it: later places start later.
    assert.ok(starts[0]! < starts[1]! && starts[1]! < starts[2]!, `increasing: ${starts}`);
    // The second waits for 4 frames, the third for 4 + 6: ten frames are 2.5 times four.
    const ratio = (starts[2]! - starts[0]!) / (starts[1]! - starts[0]!);
    assert.ok(Math.abs(ratio - 2.5) < 0.01, `frames ahead scale the wait: ${ratio}`);

    // Canceling the first moves the others up.
    await gqlOk(url(), 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', { id: created[0] });
    const { run: moved } = await gqlOk(url(), QUEUE, { id: created[2] });
    assert.equal(moved.queuePosition, 2);
  });

  test('search finds the text in names, notes and tags, case-insensitively', async () => {
    const named = await tinyRun({ name: 'Zebra crossing' });
    const tagged = await tinyRun({ name: 'tagged', tags: ['sweep-zebra-1'] });
    const noted = await tinyRun({ name: 'noted' });
    await tinyRun({ name: 'unrelated', tags: ['horse'] });
    await gqlOk(
      url(),
      'mutation ($id: ID!, $n: String!) { updateRunNotes(id: $id, notes: $n) { id } }',
      {
        id: noted.id,
        n: 'Stripes like a **ZEBRA**.',
      },
    );
    const { runs } = await gqlOk(url(), SEARCH, { filter: { search: 'zeBRA' } });
    assert.deepEqual(
      runs.nodes.map((run: { name: string }) => run.name).sort(),
      [named.name, noted.name, tagged.name].sort(),
    );
    // LIKE wildcards are text: '%' matches no run here.
    const { runs: none } = await gqlOk(url(), SEARCH, { filter: { search: '%' } });
    assert.equal(none.totalCount, 0);
  });

  test('a created range that ends before it starts is refused, naming both dates', async () => {
    for (const [createdAfter, createdBefore] of [
      ['2026-02-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
      ['2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ]) {
      const refused = await gql(url(), SEARCH, { filter: { createdAfter, createdBefore } });
      const error = refused.errors?.[0];
      assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(refused));
      assert.equal(error?.extensions?.field, 'filter.createdBefore');
      assert.ok(error?.message.includes(createdAfter!), error?.message);
      assert.ok(error?.message.includes(createdBefore!), error?.message);
      assert.equal(refused.data, null);
    }
    const { runs } = await gqlOk(url(), SEARCH, {
      filter: {
        createdAfter: '2026-01-01T00:00:00.000Z',
        createdBefore: '2099-01-01T00:00:00.000Z',
      },
    });
    assert.ok(runs.totalCount > 0);
  });
});

// Sweeps through the API: a grid of runs created as a whole (ordered by its axes, first axis
// slowest), validated as a whole (every bad value named by axis and index, nothing queued), held
// to the active-run quota as a whole, and invisible to another workspace.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import pg from 'pg';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  gql,
  gqlOk,
  PASSWORD,
  signUp,
  uploadPhotos,
  useTestServer,
  watchRun,
  type GraphQLData,
} from './helpers/api.ts';

const CREATE_SWEEP = `mutation ($input: CreateSweepInput!) {
  createSweep(input: $input) { id name axes { field values } }
}`;
const SWEEP = `query ($id: ID!) {
  sweep(id: $id) {
    id name createdBy { name } axes { field values }
    cells {
      coordinates
      run { id status sweepId method seed steps noise { level } metrics { meanChange maxChange changeCv endpointPsnr pathLength } }
    }
  }
}`;
/** An id that names nothing. */
const MISSING = '00000000-0000-4000-8000-000000000000';
const COUNTS = '{ runs { totalCount } sweeps { totalCount } }';
/** The active-run quota of this server: a 3x3 sweep passes it. */
const MAX_ACTIVE_RUNS = 8;

describe('sweeps', () => {
  const testServer = useTestServer({
    name: 'sweeps',
    workerInProcess: true,
    auth: {
      ...loadConfig({}).auth,
      signupPolicy: 'open',
      maxActiveRuns: MAX_ACTIVE_RUNS,
      mutationsPerMinute: 1000,
    },
  });
  let server: RunningServer;
  let base: Record<string, unknown>;

  before(async () => {
    server = testServer.server;
    const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
    base = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
  });

  async function counts(): Promise<{ runs: number; sweeps: number }> {
    const data = await gqlOk(server.url, COUNTS);
    return { runs: data.runs.totalCount, sweeps: data.sweeps.totalCount };
  }

  /** createSweep's error: its code, and the message of each field at fault. */
  async function refusal(input: Record<string, unknown>): Promise<{
    code: unknown;
    fields: Record<string, string>;
  }> {
    const answer = await gql(server.url, CREATE_SWEEP, { input });
    assert.equal(answer.data ?? null, null, JSON.stringify(answer.data));
    const error = answer.errors![0]!;
    const extensions = error.extensions as {
      code: string;
      field?: string;
      issues?: { field: string; message: string }[];
    };
    const issues = extensions.issues ?? [{ field: extensions.field!, message: error.message }];
    return {
      code: extensions.code,
      fields: Object.fromEntries(issues.map((issue) => [issue.field, issue.message])),
    };
  }

  test('a 2x3 sweep creates 6 runs ordered by its axes, all succeed with metrics', async () => {
    const before = await counts();
    const { createSweep } = await gqlOk(server.url, CREATE_SWEEP, {
      input: {
        name: 'method by noise',
        base,
        axes: [
          { field: 'method', values: ['LERP', 'SLERP'] },
          { field: 'noise.level', values: [0, 0.2, 0.5] },
        ],
      },
    });
    assert.equal(createSweep.name, 'method by noise');
    assert.deepEqual(createSweep.axes, [
      { field: 'method', values: ['LERP', 'SLERP'] },
      { field: 'noise.level', values: [0, 0.2, 0.5] },
    ]);
    assert.deepEqual(await counts(), { runs: before.runs + 6, sweeps: before.sweeps + 1 });

    const queued = (await gqlOk(server.url, SWEEP, { id: createSweep.id })).sweep;
    const cells: GraphQLData[] = queued.cells;
    assert.deepEqual(
      cells.map((cell) => cell.coordinates),
      [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
      ],
    );
    assert.deepEqual(
      cells.map((cell) => [cell.run.method, cell.run.noise.level]),
      [
        ['LERP', 0],
        ['LERP', 0.2],
        ['LERP', 0.5],
        ['SLERP', 0],
        ['SLERP', 0.2],
        ['SLERP', 0.5],
      ],
    );
    assert.ok(cells.every((cell) => cell.run.sweepId === createSweep.id));
    // One seed drawn for the whole sweep: cells differ only by their axes.
    assert.equal(new Set(cells.map((cell) => cell.run.seed)).size, 1);
    assert.equal(queued.createdBy.name, 'Owner');

    for (const cell of cells) {
      const events = await watchRun(server.url, cell.run.id);
      assert.equal(events.at(-1)?.status, 'SUCCEEDED', JSON.stringify(events.at(-1)));
    }
    const done = (await gqlOk(server.url, SWEEP, { id: createSweep.id })).sweep;
    for (const cell of done.cells as GraphQLData[]) {
      assert.equal(cell.run.status, 'SUCCEEDED');
      assert.ok(cell.run.metrics, `cell ${cell.coordinates} has metrics`);
      assert.equal(cell.run.metrics.endpointPsnr.length, 2);
      assert.ok(cell.run.metrics.pathLength > 0);
    }
    const { sweeps } = await gqlOk(server.url, '{ sweeps(first: 1) { nodes { id } } }');
    assert.deepEqual(sweeps.nodes, [{ id: createSweep.id }], 'the newest sweep comes first');
  });

  test('bad values are named by axis and index, every one at once, and nothing is queued', async () => {
    const before = await counts();
    const { code, fields } = await refusal({
      base,
      axes: [
        { field: 'noise.level', values: [0, 99, -1] },
        { field: 'method', values: ['LERP', 'WIGGLE'] },
      ],
    });
    assert.equal(code, 'BAD_USER_INPUT');
    assert.deepEqual(Object.keys(fields).sort(), [
      'axes[0].values[1]',
      'axes[0].values[2]',
      'axes[1].values[1]',
    ]);
    assert.match(fields['axes[0].values[1]']!, /^axes\[0\]\.values\[1\]: noise level must be .*99/);
    assert.match(fields['axes[1].values[1]']!, /method must be one of .*"WIGGLE"/);
    assert.deepEqual(await counts(), before);
  });

  test('the axes themselves: unknown, duplicate, a repeated value, empty, too many, too large, bad base', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ axes: [{ field: 'colour', values: [1] }] }, 'axes[0].field', /unknown option "colour"/],
      [
        {
          axes: [
            { field: 'seed', values: [1] },
            { field: 'seed', values: [2] },
          ],
        },
        'axes[1].field',
        /seed is already axis 0/,
      ],
      [
        { axes: [{ field: 'seed', values: [7, 8, 7] }] },
        'axes[0].values[2]',
        /^axes\[0\]\.values\[2\]: 7 is already value 0 of this axis$/,
      ],
      [{ axes: [{ field: 'seed', values: [] }] }, 'axes[0].values', /at least one value/],
      [{ axes: [] }, 'axes', /1 to 3 axes, got 0/],
      [
        {
          axes: ['seed', 'method', 'easing', 'spacing'].map((field) => ({
            field,
            values: field === 'seed' ? [1] : [field === 'spacing' ? 'UNIFORM' : 'LINEAR'],
          })),
        },
        'axes',
        /1 to 3 axes, got 4/,
      ],
      [
        {
          axes: [
            { field: 'seed', values: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
            { field: 'noise.level', values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] },
          ],
        },
        'axes',
        /at most 64 runs, these axes make 72/,
      ],
      [
        { base: { ...base, steps: 1 }, axes: [{ field: 'seed', values: [1, 2] }] },
        'base.steps',
        /steps must be an integer/,
      ],
      [
        {
          base: {
            ...base,
            imageIds: [(base.imageIds as string[])[0], MISSING],
          },
          axes: [{ field: 'seed', values: [1] }],
        },
        'base.imageIds',
        /^base\.imageIds: image\(s\) not found: 00000000/,
      ],
      [
        {
          base: { ...base, presetId: MISSING },
          axes: [{ field: 'seed', values: [1] }],
        },
        'base.presetId',
        /^base\.presetId: noise preset .* not found/,
      ],
    ];
    for (const [input, field, message] of cases) {
      const { code, fields } = await refusal({ base, ...input });
      assert.equal(code, 'BAD_USER_INPUT', JSON.stringify(input));
      assert.deepEqual(Object.keys(fields), [field], JSON.stringify(fields));
      assert.match(fields[field]!, message);
    }
    assert.deepEqual(await counts(), before);
  });

  test('a sweep over the active-run quota is refused whole', async () => {
    const before = await counts();
    const { code } = await refusal({
      base,
      axes: [
        { field: 'seed', values: [1, 2, 3] },
        { field: 'noise.level', values: [0, 0.1, 0.2] },
      ],
    });
    assert.equal(code, 'QUOTA_EXCEEDED');
    assert.deepEqual(await counts(), before);
  });

  test("another workspace sees none of this workspace's sweeps", async () => {
    const { createSweep } = await gqlOk(server.url, CREATE_SWEEP, {
      input: { base, axes: [{ field: 'seed', values: [7] }] },
    });
    assert.equal(createSweep.name, 'sweep of seed');
    // Two sweeps now: a page of one, then the rest after its cursor, newest first.
    const PAGE =
      'query ($after: String) { sweeps(first: 1, after: $after) { totalCount hasNextPage endCursor nodes { name } } }';
    const first = (await gqlOk(server.url, PAGE)).sweeps;
    assert.deepEqual(
      [first.totalCount, first.hasNextPage, first.nodes],
      [2, true, [{ name: 'sweep of seed' }]],
    );
    const second = (await gqlOk(server.url, PAGE, { after: first.endCursor })).sweeps;
    assert.deepEqual([second.hasNextPage, second.nodes], [false, [{ name: 'method by noise' }]]);
    const other = await signUp(server.url, {
      email: 'other@example.com',
      password: PASSWORD,
      name: 'Other',
    });
    const as = { token: other.token };
    assert.deepEqual(await gqlOk(server.url, SWEEP, { id: createSweep.id }, as), { sweep: null });
    assert.deepEqual((await gqlOk(server.url, COUNTS, undefined, as)).sweeps, { totalCount: 0 });
    await watchRun(
      server.url,
      (await gqlOk(server.url, SWEEP, { id: createSweep.id })).sweep.cells[0].run.id,
    );
  });

  test('two sweeps sent together are judged one after the other: the second would pass the quota', async () => {
    const before = await counts();
    const grid = {
      base,
      axes: [
        { field: 'seed', values: [1, 2] },
        { field: 'noise.level', values: [0, 0.1, 0.2] },
      ],
    };
    // No frame can be stored while this lock is held, so no run of the first sweep can end before
    // the second is judged: both see the same active runs, whatever the worker's speed.
    const frames = new pg.Client({ connectionString: testServer.database.url });
    await frames.connect();
    try {
      await frames.query('BEGIN');
      await frames.query('LOCK TABLE "Frame" IN SHARE MODE');
      const answers = await Promise.all(
        [1, 2].map(() => gql(server.url, CREATE_SWEEP, { input: grid })),
      );
      const codes = answers.map((answer) => answer.errors?.[0]?.extensions?.code ?? 'ok').sort();
      assert.deepEqual(codes, ['QUOTA_EXCEEDED', 'ok']);
      assert.deepEqual(await counts(), { runs: before.runs + 6, sweeps: before.sweeps + 1 });
    } finally {
      await frames.query('ROLLBACK');
      await frames.end();
    }
  });

  test('the quota query says what the workspace uses: a sweep of the runs left passes, one run more is refused', async () => {
    const QUOTA = '{ quota { activeRuns maxActiveRuns storedBytes maxStorageBytes } }';
    // Every run so far ends first, so this workspace's active runs are this test's alone.
    const { runs } = await gqlOk(
      server.url,
      '{ runs(first: 100, filter: { status: [QUEUED, RUNNING] }) { nodes { id } } }',
    );
    for (const { id } of runs.nodes as { id: string }[]) await watchRun(server.url, id);
    const idle = (await gqlOk(server.url, QUOTA)).quota;
    assert.deepEqual(
      { activeRuns: idle.activeRuns, maxActiveRuns: idle.maxActiveRuns },
      { activeRuns: 0, maxActiveRuns: MAX_ACTIVE_RUNS },
    );
    assert.equal(idle.maxStorageBytes, loadConfig({}).auth.maxStorageBytes);
    assert.ok(idle.storedBytes > 0, 'the uploaded photos and stored frames count');

    // No run can end while frames cannot be stored: the counts below stay as they are.
    const frames = new pg.Client({ connectionString: testServer.database.url });
    await frames.connect();
    let sweepRuns: string[] = [];
    try {
      await frames.query('BEGIN');
      await frames.query('LOCK TABLE "Frame" IN SHARE MODE');
      const seeds = Array.from({ length: MAX_ACTIVE_RUNS }, (_, i) => 100 + i);
      const { createSweep } = await gqlOk(server.url, CREATE_SWEEP, {
        input: { base, axes: [{ field: 'seed', values: seeds }] },
      });
      const { sweep } = await gqlOk(server.url, SWEEP, { id: createSweep.id });
      sweepRuns = (sweep.cells as { run: { id: string } }[]).map((cell) => cell.run.id);
      const full = (await gqlOk(server.url, QUOTA)).quota;
      assert.equal(full.activeRuns, MAX_ACTIVE_RUNS);
      const { code, fields } = await refusal({ base, axes: [{ field: 'seed', values: [1] }] });
      assert.equal(code, 'QUOTA_EXCEEDED');
      assert.match(
        Object.values(fields)[0]!,
        new RegExp(`limit of ${MAX_ACTIVE_RUNS}|limit is ${MAX_ACTIVE_RUNS}`),
      );
    } finally {
      await frames.query('ROLLBACK');
      await frames.end();
    }
    for (const id of sweepRuns) await watchRun(server.url, id);
    const after = (await gqlOk(server.url, QUOTA)).quota;
    assert.equal(after.activeRuns, 0);
    assert.ok(after.storedBytes > idle.storedBytes, "the sweep's frames are stored");
  });
});

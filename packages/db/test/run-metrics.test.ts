// Run metrics in the data layer, on PostgreSQL and PGlite: stored with SUCCEEDED, read back whole,
// sorted with keyset pages (runs without metrics last both ways) and filtered by ranges.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  DEFAULT_RUN_LIMITS,
  parseRunParams,
  RUN_METRIC_FIELDS,
  type RunMetricConstant,
  type RunMetrics,
} from '@latent-lab/domain';
import {
  createOrGetImage,
  createRun,
  createUser,
  createWorkspace,
  getRun,
  listRuns,
  setRunStatus,
  type DbClient,
  type RunFilter,
  type RunSort,
} from '../src/index.ts';
import { describeEachMode } from './databases.ts';
import { dbError, sha256 } from './expect.ts';

/** Metrics whose scalars all follow one figure, so each sort orders the runs the same way. */
function metricsOf(figure: number): RunMetrics {
  return {
    meanChange: figure / 10,
    maxChange: figure / 5,
    changeCv: figure,
    endpointPsnr: [30 + figure, 20 + figure],
    minEndpointPsnr: 20 + figure,
    pathLength: 100 * figure,
  };
}

describeEachMode('run metrics', (context) => {
  const client = (): DbClient => context().db.client;
  let workspaceId = '';
  /** Run ids by the figure of their metrics; the last two have none. */
  const measured: { id: string; figure: number }[] = [];
  const unmeasured: string[] = [];

  async function page(sort: RunSort, filter: Omit<RunFilter, 'workspaceId'> = {}) {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const runs = await listRuns(client(), {
        first: 1,
        after,
        sort,
        filter: { ...filter, workspaceId },
      });
      ids.push(...runs.nodes.map((run) => run.id));
      if (!runs.hasNextPage) return ids;
      after = runs.endCursor;
    }
  }

  before(async () => {
    const user = await createUser(client(), {
      email: 'metrics@example.com',
      name: 'Metrics',
      passwordHash: 'not-a-real-hash',
    });
    workspaceId = (await createWorkspace(client(), { name: 'Metrics', ownerId: user.id })).id;
    const keyframes: string[] = [];
    // Two small PNGs: only their ids matter here.
    const file = { mimeType: 'image/png', width: 64, height: 64, byteSize: 100 };
    for (const side of ['a', 'b']) {
      const name = `${side}.png`;
      const { image } = await createOrGetImage(client(), {
        ...file,
        workspaceId,
        createdById: user.id,
        sha256: sha256(side),
        originalName: name,
        storageKey: `images/${name}`,
      });
      keyframes.push(image.id);
    }
    const params = parseRunParams(
      { model: 'taef2', keyframes, steps: 4, seed: 1 },
      DEFAULT_RUN_LIMITS,
    );
    // Figures out of creation order, one repeated (ties go by id).
    for (const figure of [0.5, 0.125, 2, 0.5, null, null]) {
      const run = await createRun(client(), {
        workspaceId,
        createdById: user.id,
        name: 'r',
        params,
      });
      if (figure === null) {
        unmeasured.push(run.id);
        continue;
      }
      await setRunStatus(client(), run.id, 'RUNNING', { from: ['QUEUED'] });
      await setRunStatus(client(), run.id, 'SUCCEEDED', { metrics: metricsOf(figure) });
      measured.push({ id: run.id, figure });
    }
  });

  test('metrics are null until set with SUCCEEDED, then read back whole', async () => {
    assert.equal((await getRun(client(), unmeasured[0]!))!.metrics, null);
    assert.deepEqual((await getRun(client(), measured[0]!.id))!.metrics, metricsOf(0.5));
  });

  test('every metric sorts both ways a run a page, ties by id, runs without metrics last', async () => {
    for (const constant of Object.keys(RUN_METRIC_FIELDS) as RunMetricConstant[]) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const sign = direction === 'ASC' ? 1 : -1;
        const byId = (a: string, b: string) => sign * (a < b ? -1 : 1);
        const expected = [
          ...[...measured]
            .sort((a, b) => sign * (a.figure - b.figure) || byId(a.id, b.id))
            .map((run) => run.id),
          ...[...unmeasured].sort(byId),
        ];
        assert.deepEqual(await page(`${constant}_${direction}`), expected, constant + direction);
      }
    }
  });

  test('ranges keep runs with the metric inside every bound, never runs without metrics', async () => {
    const ids = (figures: number[]) =>
      new Set(measured.filter((run) => figures.includes(run.figure)).map((run) => run.id));
    const filtered = async (filter: Omit<RunFilter, 'workspaceId'>) =>
      new Set(await page('CREATED_AT_DESC', filter));
    assert.deepEqual(
      await filtered({ metrics: [{ metric: 'changeCv', max: 0.5 }] }),
      ids([0.5, 0.125]),
    );
    assert.deepEqual(
      await filtered({ metrics: [{ metric: 'changeCv', min: 0.5 }] }),
      ids([0.5, 2]),
    );
    assert.deepEqual(await filtered({ metrics: [{ metric: 'pathLength' }] }), ids([0.5, 0.125, 2]));
    assert.deepEqual(
      await filtered({
        metrics: [
          { metric: 'minEndpointPsnr', min: 20.2 },
          { metric: 'meanChange', max: 0.1 },
        ],
      }),
      ids([0.5]),
    );
  });

  test('bad ranges and damaged cursors are typed errors', async () => {
    for (const metrics of [
      [{ metric: 'sharpness' as 'changeCv' }],
      [{ metric: 'changeCv' as const, min: Number.NaN }],
      [{ metric: 'changeCv' as const, max: Number.POSITIVE_INFINITY }],
      [{ metric: 'changeCv' as const, min: 2, max: 1 }],
    ]) {
      await assert.rejects(
        listRuns(client(), { filter: { workspaceId, metrics } }),
        dbError('INVALID_INPUT', 'filter.metrics'),
      );
    }
    const cursor = (key: string) =>
      Buffer.from(JSON.stringify(['CHANGE_CV_ASC', key, measured[0]!.id])).toString('base64url');
    await assert.rejects(
      listRuns(client(), { sort: 'CHANGE_CV_ASC', after: cursor('not a number') }),
      dbError('INVALID_CURSOR', 'after'),
    );
    await assert.rejects(
      listRuns(client(), { sort: 'PATH_LENGTH_ASC', after: cursor('1') }),
      dbError('INVALID_CURSOR', 'after'),
    );
  });
});

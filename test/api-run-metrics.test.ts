// Run quality metrics through the API, on PostgreSQL with worker processes: null until a run
// succeeds; a run handed from one worker to another mid-render measures exactly as the same run
// rendered at once; history sorts (keyset pages, runs without metrics last) and filters by them.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import type { RunMetrics } from '@latent-lab/domain';
import type { RunningServer } from '../apps/server/src/index.ts';
import * as api from './helpers/api.ts';
import { startWorkerProcess, stopProcess } from './helpers/cluster.ts';

const METRICS = 'metrics { meanChange maxChange changeCv endpointPsnr minEndpointPsnr pathLength }';
const RUN_QUERY = `query ($id: ID!) { run(id: $id) { status framesDone ${METRICS} } }`;
const RUNS_QUERY = `query ($first: Int!, $after: String, $filter: RunsFilter, $sort: RunSort) {
  runs(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount hasNextPage endCursor nodes { id ${METRICS} }
  }
}`;

interface RunNode {
  id: string;
  metrics: RunMetrics | null;
}

interface RunPage {
  nodes: RunNode[];
  hasNextPage: boolean;
  endCursor: string | null;
}

describe('run metrics (postgres, worker processes)', () => {
  let testServer: api.TestServer;
  let server: RunningServer;
  let imageIds: string[];
  /** Every worker started; stopping one that has exited does nothing. */
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const env = { DATABASE_URL: testServer.database.url, DATA_DIR: testServer.dataDir };
    workers.push(startWorkerProcess({ ...process.env, ...env }));
    return workers.at(-1)!;
  }

  async function runOf(id: string): Promise<{
    status: string;
    framesDone: number;
    metrics: RunMetrics | null;
  }> {
    return (await api.gqlOk(server.url, RUN_QUERY, { id })).run;
  }

  /** Every page of the history, `first` at a time. */
  async function allRuns(
    filter: object | null,
    sort: object | null,
    first = 1,
  ): Promise<RunNode[]> {
    const nodes: RunNode[] = [];
    let afterCursor: string | null = null;
    for (;;) {
      const { runs }: { runs: RunPage } = await api.gqlOk(server.url, RUNS_QUERY, {
        first,
        after: afterCursor,
        filter,
        sort,
      });
      nodes.push(...runs.nodes);
      if (!runs.hasNextPage) return nodes;
      afterCursor = runs.endCursor;
    }
  }

  before(async () => {
    testServer = await api.startTestServer({ name: 'metrics' });
    server = testServer.server;
    imageIds = [
      (await api.uploadPhoto(server.url, api.PHOTOS.astronaut)).id,
      (await api.uploadPhoto(server.url, api.PHOTOS.coffee)).id,
      (await api.uploadPhoto(server.url, api.PHOTOS.chelsea)).id,
    ];
  });

  after(async () => {
    for (const child of workers) await stopProcess(child, 'SIGKILL');
    await testServer?.close();
  });

  test('metrics are null until success, equal for a resumed run and an uninterrupted one, and sort and filter history', async () => {
    const steps = 16;
    const { createRun: resumed } = await api.gqlOk(server.url, api.CREATE_RUN, {
      input: { model: 'taef2', imageIds, steps, width: 128, height: 128, seed: 5 },
    });
    assert.equal((await runOf(resumed.id)).metrics, null, 'a queued run has no metrics');

    // The first worker is stopped after its second frame; the run waits for the next worker.
    const first = startWorker();
    const client = api.wsClient(server.url);
    let second: ChildProcess | undefined;
    try {
      let stopped: Promise<void> | undefined;
      const events = await api.collectProgress(client, resumed.id, (event) => {
        if (event.kind === 'FRAME' && event.index === 1 && !stopped) {
          stopped = (async () => {
            await stopProcess(first, 'SIGTERM');
            const interrupted = await runOf(resumed.id);
            second = startWorker();
            assert.equal(interrupted.status, 'RUNNING');
            assert.ok(interrupted.framesDone < steps, `stopped at ${interrupted.framesDone}`);
            assert.equal(interrupted.metrics, null, 'a running run has no metrics');
          })();
        }
      });
      await stopped;
      assert.equal(events.at(-1)?.status, 'SUCCEEDED');
      const measured = (await runOf(resumed.id)).metrics;
      assert.ok(measured, 'a succeeded run has metrics');
      assert.equal(measured.endpointPsnr.length, 3, 'one PSNR per keyframe');
      assert.equal(measured.minEndpointPsnr, Math.min(...measured.endpointPsnr));
      for (const value of measured.endpointPsnr) assert.ok(value > 10 && value < 100, `${value}`);
      assert.ok(measured.meanChange > 0 && measured.maxChange >= measured.meanChange);
      assert.ok(measured.maxChange <= 1 && measured.changeCv >= 0 && measured.pathLength > 0);

      const { run: withZip } = await api.gqlOk(
        server.url,
        'query ($id: ID!) { run(id: $id) { downloads { framesZip } } }',
        { id: resumed.id },
      );
      const zip = new Uint8Array(
        await (await fetch(server.url + withZip.downloads.framesZip)).arrayBuffer(),
      );
      const manifest = JSON.parse(new TextDecoder().decode(unzipSync(zip)['run.json'])) as {
        metrics: RunMetrics;
      };
      assert.deepEqual(manifest.metrics, measured, "the zip's run.json carries the metrics");

      // The same run rendered at once by one worker measures the same, to the last bit.
      const { rerun } = await api.gqlOk(
        server.url,
        'mutation ($id: ID!) { rerun(id: $id) { id } }',
        {
          id: resumed.id,
        },
      );
      assert.equal((await api.collectProgress(client, rerun.id)).at(-1)?.status, 'SUCCEEDED');
      assert.deepEqual((await runOf(rerun.id)).metrics, measured);

      // A noisier run over two keyframes: other figures to sort and filter by.
      const { createRun: noisy } = await api.gqlOk(server.url, api.CREATE_RUN, {
        input: {
          model: 'taef2',
          imageIds: imageIds.slice(0, 2),
          steps: 6,
          width: 64,
          height: 64,
          noise: { level: 0.8 },
          seed: 9,
        },
      });
      assert.equal((await api.collectProgress(client, noisy.id)).at(-1)?.status, 'SUCCEEDED');
      const noisyMetrics = (await runOf(noisy.id)).metrics!;
      assert.equal(noisyMetrics.endpointPsnr.length, 2);
      assert.notEqual(noisyMetrics.changeCv, measured.changeCv);

      // Canceled runs never get metrics: metric sorts list them last, filters never match them.
      await stopProcess(second!, 'SIGTERM');
      const canceled: string[] = [];
      for (const seed of [1, 2]) {
        const { createRun } = await api.gqlOk(server.url, api.CREATE_RUN, {
          input: { model: 'taef2', imageIds, steps: 4, width: 64, height: 64, seed },
        });
        await api.gqlOk(server.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', {
          id: createRun.id,
        });
        canceled.push(createRun.id);
      }

      const measuredRuns = [
        { id: resumed.id, metrics: measured },
        { id: rerun.id, metrics: measured },
        { id: noisy.id, metrics: noisyMetrics },
      ];
      for (const [field, key] of [
        ['CHANGE_CV', 'changeCv'],
        ['PATH_LENGTH', 'pathLength'],
        ['MIN_ENDPOINT_PSNR', 'minEndpointPsnr'],
      ] as const) {
        for (const direction of ['ASC', 'DESC'] as const) {
          const sign = direction === 'ASC' ? 1 : -1;
          const byId = (a: string, b: string) => sign * (a < b ? -1 : 1);
          const expected = [...measuredRuns]
            .sort((a, b) => sign * (a.metrics[key] - b.metrics[key]) || byId(a.id, b.id))
            .map((run) => run.id);
          const listed = await allRuns(null, { field, direction });
          assert.deepEqual(
            listed.map((run) => run.id),
            [...expected, ...[...canceled].sort(byId)],
            `${field} ${direction}: one run a page, runs without metrics last (by id)`,
          );
        }
      }

      // Ranges: between the two distinct values, open bounds, and two ranges together.
      const [low, high] = [measured.changeCv, noisyMetrics.changeCv].sort((a, b) => a - b);
      const lowIds = measuredRuns.filter((run) => run.metrics.changeCv === low).map((r) => r.id);
      const byCv = await allRuns(
        { metrics: [{ metric: 'CHANGE_CV', max: (low! + high!) / 2 }] },
        null,
        10,
      );
      assert.deepEqual(new Set(byCv.map((run) => run.id)), new Set(lowIds));
      const all = await allRuns({ metrics: [{ metric: 'MEAN_CHANGE' }] }, null, 10);
      assert.equal(all.length, 3, 'a range without bounds keeps every run with metrics');
      const exact = await allRuns(
        {
          metrics: [
            { metric: 'PATH_LENGTH', min: measured.pathLength, max: measured.pathLength },
            { metric: 'MAX_CHANGE', min: 0, max: 1 },
          ],
        },
        null,
        10,
      );
      assert.deepEqual(new Set(exact.map((run) => run.id)), new Set([resumed.id, rerun.id]));

      const inverted = await api.gql(server.url, RUNS_QUERY, {
        first: 5,
        filter: { metrics: [{ metric: 'CHANGE_CV', min: 2, max: 1 }] },
      });
      assert.equal(inverted.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(inverted.errors?.[0]?.extensions?.field, 'filter.metrics');
      assert.match(inverted.errors?.[0]?.message ?? '', /changeCv min 2 is above max 1/);
      const unknown = await api.gql(server.url, RUNS_QUERY, {
        first: 5,
        filter: { metrics: [{ metric: 'SHARPNESS' }] },
      });
      assert.equal(unknown.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      const damaged = await api.gql(server.url, RUNS_QUERY, {
        first: 1,
        sort: { field: 'CHANGE_CV', direction: 'ASC' },
        after: Buffer.from(JSON.stringify(['CHANGE_CV_ASC', 'x', resumed.id])).toString(
          'base64url',
        ),
      });
      assert.equal(damaged.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(damaged.errors?.[0]?.message ?? '', /after/);
    } finally {
      await client.dispose();
      if (second) await stopProcess(second, 'SIGTERM');
    }
  });
});

// Run quality metrics in a real browser against the real server, PostgreSQL, an in-process worker
// and the TAEF2 weights: the run page's Quality panel shows what the API measured (and says when it
// will, for a run that did not succeed), compare marks the best values, and the history sorted by
// change CV, or bounded by it, lists the runs as the API does.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { RunMetrics } from '@latent-lab/domain';
import { createRun, gqlOk, uploadPhotos, watchRun } from '../helpers/api.ts';
import { closeDashboard, waitForHistory, openDashboard, screenshot } from './browser.ts';

const METRICS = 'metrics { meanChange maxChange changeCv endpointPsnr minEndpointPsnr pathLength }';
const RUNS_BY_CV = `query ($filter: RunsFilter) {
  runs(first: 10, filter: $filter, sort: { field: CHANGE_CV, direction: ASC }) {
    nodes { id name ${METRICS} }
  }
}`;

interface MeasuredRun {
  id: string;
  name: string;
  metrics: RunMetrics | null;
}

const dashboard = await openDashboard({ name: 'e2e_metrics', workerInProcess: true });
const { server, page, pageErrors } = dashboard;

/** The history as the API sorts it by change CV, lowest first (runs without metrics last). */
async function runsByChangeCv(filter: object = {}): Promise<MeasuredRun[]> {
  return (await gqlOk(server.url, RUNS_BY_CV, { filter })).runs.nodes as MeasuredRun[];
}

/** The run ids of the history's rows, top to bottom. */
async function shownRunIds(): Promise<(string | null)[]> {
  const rows = await page.getByRole('list', { name: 'Run history' }).getByRole('listitem').all();
  return Promise.all(rows.map((row) => row.getAttribute('data-run-id')));
}

describe('run metrics in Chromium', () => {
  let canceledId = '';

  after(() => closeDashboard(dashboard));

  test('two tiny runs succeed; a canceled one has no metrics', async () => {
    const imageIds = await uploadPhotos(server.url, ['astronaut', 'chelsea']);
    // Clean and noisy interpolations pace differently, so their change CVs differ.
    for (const [name, seed, level] of [
      ['clean', 1, 0],
      ['noisy', 2, 0.8],
    ] as const) {
      const run = await createRun(server.url, {
        name,
        model: 'taef2',
        imageIds,
        steps: 4,
        width: 64,
        height: 64,
        seed,
        noise: { level },
      });
      assert.equal((await watchRun(server.url, run.id)).at(-1)?.status, 'SUCCEEDED');
    }
    const long = await createRun(server.url, {
      name: 'canceled',
      model: 'taef2',
      imageIds,
      steps: 500,
      width: 64,
      height: 64,
    });
    await gqlOk(server.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', { id: long.id });
    assert.equal((await watchRun(server.url, long.id)).at(-1)?.status, 'CANCELED');
    canceledId = long.id;
  });

  test('the Quality panel shows the metrics the API returns, formatted', async () => {
    const measured = (await runsByChangeCv()).filter((run) => run.metrics);
    assert.equal(measured.length, 2);
    for (const { id, name, metrics } of measured) {
      await page.goto(`/runs/${id}`);
      const panel = page.getByRole('region', { name: 'Quality' });
      await panel.getByTestId('metric-changeCv').waitFor();
      const m = metrics!;
      const expected: [string, number, string][] = [
        ['meanChange', m.meanChange, m.meanChange.toFixed(4)],
        ['maxChange', m.maxChange, m.maxChange.toFixed(4)],
        ['changeCv', m.changeCv, `${m.changeCv.toFixed(3)} low is an even pace`],
        ['pathLength', m.pathLength, m.pathLength.toFixed(2)],
      ];
      for (const [key, value, text] of expected) {
        const cell = panel.getByTestId(`metric-${key}`);
        assert.equal(await cell.textContent(), text, `${name}: ${key}`);
        assert.equal(Number(await cell.getAttribute('data-value')), value, `${name}: ${key}`);
      }
      assert.deepEqual(
        await panel.getByTestId('endpoint-psnr').allTextContents(),
        m.endpointPsnr.map((psnr, i) => `Keyframe ${i + 1}: ${psnr.toFixed(1)} dB`),
      );
    }
    await screenshot(page, 'run-quality');

    await page.goto(`/runs/${canceledId}`);
    await page
      .getByRole('region', { name: 'Quality' })
      .getByText('Measured when the run succeeds.')
      .waitFor();
  });

  test('compare lists the metrics per run and marks the lower change CV', async () => {
    const [even, uneven] = (await runsByChangeCv()).filter((run) => run.metrics);
    assert.ok(even!.metrics!.changeCv < uneven!.metrics!.changeCv, 'the two paces differ');
    await page.goto(`/compare?runs=${uneven!.id},${even!.id}`);
    const cvRow = page.getByRole('row', { name: /^Change CV/ });
    await cvRow.waitFor();
    assert.deepEqual(await cvRow.getByRole('cell').allTextContents(), [
      uneven!.metrics!.changeCv.toFixed(3),
      `${even!.metrics!.changeCv.toFixed(3)} (best)`,
    ]);
    assert.equal(await cvRow.locator('td[data-best]').count(), 1);
  });

  test('the history sorted by change CV, and bounded by it, lists the runs as the API does', async () => {
    await page.goto('/');
    const list = page.getByRole('list', { name: 'Run history' });
    await list.getByRole('listitem').nth(2).waitFor();
    await page
      .getByLabel('Sort', { exact: true })
      .selectOption({ label: 'Change CV, lowest first' });
    await waitForHistory(page, 'sort=change-cv-asc');
    const sorted = await runsByChangeCv();
    assert.deepEqual(
      await shownRunIds(),
      sorted.map((run) => run.id),
    );
    assert.equal(sorted.at(-1)?.id, canceledId, 'a run without metrics comes last');
    assert.deepEqual(
      await list.getByTestId('sorted-metric').allTextContents(),
      sorted.map((run) => `Change CV ${run.metrics ? run.metrics.changeCv.toFixed(3) : '—'}`),
    );
    await screenshot(page, 'runs-by-change-cv');

    // A bound between the two runs' CVs keeps the even one only.
    const [even, uneven] = sorted;
    const bound = Number(
      ((even!.metrics!.changeCv + uneven!.metrics!.changeCv) / 2).toPrecision(4),
    );
    assert.ok(even!.metrics!.changeCv <= bound && bound < uneven!.metrics!.changeCv);
    await page.getByLabel('Max change CV').fill(String(bound));
    await page.getByRole('button', { name: 'Apply' }).click();
    await waitForHistory(page, `maxCv=${bound}&sort=change-cv-asc`);
    const bounded = await runsByChangeCv({ metrics: [{ metric: 'CHANGE_CV', max: bound }] });
    assert.deepEqual(
      bounded.map((run) => run.id),
      [even!.id],
    );
    assert.deepEqual(await shownRunIds(), [even!.id]);
    assert.deepEqual(pageErrors, []);
  });
});

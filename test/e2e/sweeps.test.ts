// A sweep's page in a real browser against the real server, PostgreSQL and a worker process with
// the TAEF2 weights: a 2x3 sweep shows as 2 rows of 3 cells while queued, fills in live once a
// worker starts (no reload), shows each cell's metrics as the API measured them and plots one
// against an axis; the frame is kept in the URL, and a cell's link opens its run (which links back).
// A sweep of more runs than one WebSocket may subscribe to (WS_MAX_SUBSCRIPTIONS) fills in too.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import { gqlOk, uploadPhotos } from '../helpers/api.ts';
import { startWorkerProcess, stopProcess } from '../helpers/cluster.ts';
import { closeDashboard, openDashboard, screenshot } from './browser.ts';

const SWEEP = `query ($id: ID!) {
  sweep(id: $id) { cells { coordinates run { id status metrics { meanChange } } } }
}`;

// No worker in the server: the runs stay queued until the test starts one.
// Room for a 56-run sweep (the default allows 20 queued or running runs per workspace).
const dashboard = await openDashboard({
  name: 'e2e_sweeps',
  auth: { ...loadConfig({}).auth, maxActiveRuns: 64 },
});
const { testServer, server, page, pageErrors } = dashboard;

describe('sweep page in Chromium', () => {
  let worker: ChildProcess | undefined;
  let sweepId = '';

  after(async () => {
    if (worker) await stopProcess(worker, 'SIGTERM');
    await closeDashboard(dashboard);
  });

  test('a 2x3 sweep shows as a grid of queued cells, then fills in live', async () => {
    const imageIds = await uploadPhotos(server.url, ['astronaut', 'chelsea']);
    const { createSweep } = await gqlOk(
      server.url,
      'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }',
      {
        input: {
          name: 'grid',
          base: { model: 'taef2', imageIds, steps: 3, width: 64, height: 64, seed: 5 },
          axes: [
            { field: 'method', values: ['LERP', 'SLERP'] },
            { field: 'noise.level', values: [0, 0.2, 0.5] },
          ],
        },
      },
    );
    sweepId = createSweep.id;
    await page.goto(`/sweeps/${sweepId}`);
    const rows = page.getByTestId('sweep-row');
    await page.locator('[data-testid="sweep-cell"][data-status]').nth(5).waitFor();
    assert.equal(await rows.count(), 2);
    for (const row of await rows.all())
      assert.equal(await row.getByTestId('sweep-cell').count(), 3);
    assert.deepEqual(await page.getByTestId('sweep-column-head').allTextContents(), [
      'noise level 0',
      'noise level 0.2',
      'noise level 0.5',
    ]);
    assert.deepEqual(
      await page
        .locator('[data-testid="sweep-cell"]')
        .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-status'))),
      Array(6).fill('QUEUED'),
    );
    assert.equal(
      await rows.first().getByTestId('sweep-cell-link').first().textContent(),
      'method lerp, noise level 0',
    );

    worker = startWorkerProcess({
      ...process.env,
      DATABASE_URL: testServer.database.url,
      DATA_DIR: testServer.dataDir,
    });
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="sweep-cell"][data-status="SUCCEEDED"]').length === 6`,
      undefined,
      { timeout: 180_000 },
    );
    assert.equal(await page.getByTestId('sweep-progress').textContent(), '6 of 6 runs succeeded');
    await screenshot(page, 'sweep-grid');
  });

  test("each cell shows its run's metrics, and the plot has a point per cell", async () => {
    // The cells' metrics arrive with each run's final read: wait until none shows a dash.
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid="sweep-metrics"] dd')].every((dd) => dd.textContent !== '—')`,
    );
    const { sweep } = await gqlOk(server.url, SWEEP, { id: sweepId });
    const shown = await page
      .getByTestId('sweep-metrics')
      .evaluateAll((lists) => lists.map((list) => list.querySelector('dd')?.textContent ?? ''));
    assert.deepEqual(
      shown,
      sweep.cells.map((cell: { run: { metrics: { meanChange: number } } }) =>
        cell.run.metrics.meanChange.toFixed(4),
      ),
      'mean change of every cell, in axis order',
    );
    // Mean change against method (the default): one series per noise level, a point per method.
    const plot = page.getByTestId('sweep-metric-plot');
    assert.equal(await plot.locator('circle').count(), 6);
    await page.getByLabel('Against').selectOption({ label: 'noise level' });
    await page.waitForURL(/by=1/);
    assert.equal(await plot.locator('polyline').count(), 2, 'one line per method');
  });

  test('the frame is kept in the URL, and a cell link opens its run', async () => {
    const scrubber = page.getByTestId('sweep-scrubber');
    await scrubber.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/frame=1/);
    await page.reload();
    // The position reads against the runs' frame count, known once they load.
    await page.locator('[data-testid="sweep-cell"][data-status="SUCCEEDED"]').nth(5).waitFor();
    assert.equal(await page.getByTestId('sweep-position').textContent(), 'frame 2 of 3');

    const { sweep } = await gqlOk(server.url, SWEEP, { id: sweepId });
    await page.getByTestId('sweep-cell-link').nth(4).click();
    await page.waitForURL((url) => url.pathname === `/runs/${sweep.cells[4].run.id}`);
    // And back: the run page names the sweep it belongs to.
    await page.getByRole('link', { name: 'one cell of a sweep' }).click();
    await page.waitForURL((url) => url.pathname === `/sweeps/${sweepId}`);
    assert.deepEqual(pageErrors, []);
  });

  test('a sweep of more runs than one socket may subscribe to: each run followed once, never refused, every cell filled in live', async () => {
    const cells = 56;
    // The test server keeps the default limit.
    const { maxSubscriptionsPerSocket } = loadConfig({}).sockets;
    assert.ok(
      cells > maxSubscriptionsPerSocket,
      `${cells} runs, ${maxSubscriptionsPerSocket} a socket`,
    );
    // No worker: every run is still queued when the page subscribes.
    if (worker) await stopProcess(worker, 'SIGTERM');
    const imageIds = await uploadPhotos(server.url, ['coffee', 'chelsea']);
    const { createSweep } = await gqlOk(
      server.url,
      'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }',
      {
        input: {
          name: 'many seeds',
          base: {
            model: 'taef2',
            imageIds,
            steps: 2,
            width: 32,
            height: 32,
            noise: { level: 0.5 },
          },
          axes: [{ field: 'seed', values: Array.from({ length: cells }, (_, i) => i + 1) }],
        },
      },
    );
    // The page's runProgress operations as its WebSocket carries them (graphql-ws messages).
    const subscribed = new Map<string, number>(); // runId -> subscribe messages
    const open = new Map<string, string>(); // operation id -> runId
    const refused: string[] = [];
    let mostOpen = 0;
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload));
        const runId = message.payload?.variables?.runId;
        if (message.type === 'subscribe' && message.payload.query.includes('runProgress')) {
          subscribed.set(runId, (subscribed.get(runId) ?? 0) + 1);
          open.set(message.id, runId);
          mostOpen = Math.max(mostOpen, open.size);
        } else if (message.type === 'complete') open.delete(message.id);
      });
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload));
        if (message.type === 'error' && open.has(message.id))
          refused.push(JSON.stringify(message.payload));
        if (message.type === 'complete' || message.type === 'error') open.delete(message.id);
      });
    });
    await page.goto(`/sweeps/${createSweep.id}`);
    await page
      .locator('[data-testid="sweep-cell"][data-status="QUEUED"]')
      .nth(cells - 1)
      .waitFor();
    worker = startWorkerProcess({
      ...process.env,
      DATABASE_URL: testServer.database.url,
      DATA_DIR: testServer.dataDir,
    });
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="sweep-cell"][data-status="SUCCEEDED"]').length === ${cells}`,
      undefined,
      { timeout: 180_000 },
    );
    assert.equal(
      await page.getByTestId('sweep-progress').textContent(),
      `${cells} of ${cells} runs succeeded`,
    );
    assert.deepEqual(refused, [], 'no subscription was refused');
    assert.equal(subscribed.size, cells, 'every run was followed');
    assert.deepEqual(
      [...subscribed].filter(([, times]) => times !== 1),
      [],
      'each run was subscribed to once',
    );
    assert.ok(mostOpen < maxSubscriptionsPerSocket, `at most ${mostOpen} open at once`);
    assert.deepEqual(pageErrors, []);
  });
});

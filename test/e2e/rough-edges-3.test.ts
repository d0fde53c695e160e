// Rough edges of the dashboard, third batch, in Chromium against the real server (no worker here:
// runs stay QUEUED): "Edit and rerun" opens the New run form with every parameter of the run,
// queued runs show their place in the queue, the form previews how the fit crops each keyframe,
// the runs filters offer every member as creator and refuse a backwards date range, and a run
// that ends shows as ended only with its final record, fetched again while that fails.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { Route } from 'playwright-core';
import { createRun, gqlOk, joinWorkspace, uploadPhotos } from '../helpers/api.ts';
import { closeDashboard, waitForHistory, newSignedInContext, openDashboard } from './browser.ts';

const dashboard = await openDashboard({ name: 'e2eedges3' });
const { server, browser, page, pageErrors } = dashboard;

/** Everything of a run that a new run can take over (all but identity, status and times). */
const PARAMETERS = `query ($id: ID!) { run(id: $id) {
  name tags model steps method easing spacing fit precision width height seed presetId
  noise { level mode schedule shared } animation { fps loop } keyframes { id }
} }`;

describe('dashboard rough edges, third batch, in Chromium', () => {
  let workspaceId = '';
  let imageIds: string[] = [];

  before(async () => {
    const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
    workspaceId = me.workspaces[0].id;
    imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
  });

  after(async () => {
    await closeDashboard(dashboard);
    assert.deepEqual(pageErrors, []);
  });

  test('"Edit and rerun" opens the form with every parameter; the new run differs only where edited', async () => {
    const original = await createRun(server.url, {
      name: 'Original take',
      tags: ['alpha', 'beta'],
      model: 'taef2',
      // Reversed: the keyframe order is a parameter too.
      imageIds: [imageIds[1], imageIds[0]],
      steps: 5,
      width: 64,
      height: 96,
      seed: 4242,
      method: 'LERP',
      easing: 'EASE_IN_OUT',
      spacing: 'ARC_LENGTH',
      fit: 'CONTAIN',
      precision: 'FP32',
      noise: { level: 0.2, mode: 'RELATIVE', schedule: 'RAMP_UP', shared: true },
      animation: { fps: 7, loop: 'PING_PONG' },
    });
    await page.goto(`/runs/${String(original.id)}`);
    await page.getByRole('link', { name: 'Edit and rerun' }).click();
    await page.getByTestId('started-from').waitFor();
    const steps = page.getByLabel('Steps (frames)');
    assert.equal(await steps.inputValue(), '5');
    assert.deepEqual(await page.getByTestId('keyframe-name').allTextContents(), [
      '1. coffee.png',
      '2. chelsea.png',
    ]);
    await steps.fill('6');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL((url) => /^\/runs\/[0-9a-f-]{36}$/.test(url.pathname));
    const newId = new URL(page.url()).pathname.split('/').at(-1)!;
    assert.notEqual(newId, original.id);

    const { run: before } = await gqlOk(server.url, PARAMETERS, { id: original.id });
    const { run: rerun } = await gqlOk(server.url, PARAMETERS, { id: newId });
    assert.equal(rerun.steps, 6);
    assert.deepEqual({ ...rerun, steps: before.steps }, before);
  });

  test('queued runs show their place in the queue in the run view and the runs list, and move up', async () => {
    const base = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    const first = await createRun(server.url, { ...base, name: 'queued first' });
    const second = await createRun(server.url, { ...base, name: 'queued second' });
    const third = await createRun(server.url, { ...base, name: 'queued third' });
    const { run } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { queuePosition estimatedStartAt } }',
      { id: third.id },
    );
    const position = run.queuePosition as number;
    assert.ok(position >= 3, `behind the other two: ${position}`);
    const cancel = (id: unknown) =>
      gqlOk(server.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', { id });
    // The page's runUpdates subscription starts some time after the page shows: before a change
    // that the page must hear of, tag a run until the page receives that event.
    const frames = new EventEmitter();
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => frames.emit('frame', String(payload))),
    );
    /** Whether the page receives a message containing `text` within a second (else: try again). */
    const arrives = (text: string) =>
      new Promise<boolean>((resolve) => {
        const onFrame = (payload: string) => {
          if (!payload.includes(text)) return;
          clearTimeout(timer);
          frames.off('frame', onFrame);
          resolve(true);
        };
        const timer = setTimeout(() => {
          frames.off('frame', onFrame);
          resolve(false);
        }, 1000);
        frames.on('frame', onFrame);
      });
    const listening = async () => {
      for (let attempt = 1; attempt <= 20; attempt++) {
        const probe = `probe-${attempt}-${Math.random().toString(36).slice(2, 8)}`;
        const heard = arrives(probe);
        await gqlOk(
          server.url,
          'mutation ($id: ID!, $tags: [String!]!) { tagRun(id: $id, tags: $tags) { id } }',
          { id: third.id, tags: [probe] },
        );
        if (await heard) return;
      }
      assert.fail('the page never heard of a run update');
    };
    const shows = (where: string, at: number) =>
      page.waitForFunction(
        `document.querySelector('${where} [data-testid="queue-place"]')?.getAttribute('data-position') === '${at}'`,
      );

    await page.goto(`/runs/${String(third.id)}`);
    const place = page.getByTestId('queue-place');
    await place.waitFor();
    assert.equal(await place.getAttribute('data-position'), String(position));
    // No run has finished on this server: no time per frame to estimate from, and it says so.
    assert.match(
      (await place.textContent()) ?? '',
      new RegExp(`^Position ${position} in the queue \\(the start is estimated`),
    );
    // A run ahead leaves the queue: the open page moves up without a reload.
    await listening();
    await cancel(first.id);
    await shows('main', position - 1);

    await page.goto('/');
    const row = `[data-run-id="${String(third.id)}"]`;
    await shows(row, position - 1);
    await listening();
    await cancel(second.id);
    await shows(row, position - 2);
  });

  test('each keyframe previews how the chosen fit meets the frame size', async () => {
    await page.goto('/runs/new');
    await page.getByText(/Pick from the library/).click();
    await page.getByRole('button', { name: 'Add chelsea.png' }).click();
    await page.getByLabel('Width', { exact: true }).fill('64');
    await page.getByLabel('Height', { exact: true }).fill('128');
    const preview = page.getByTestId('keyframe').first().locator('.crop-preview');
    const shape = () =>
      preview.evaluate((box) => {
        const image = box.querySelector('img')!;
        const rect = box.getBoundingClientRect();
        return {
          fit: box.ownerDocument.defaultView!.getComputedStyle(image).objectFit,
          aspect: rect.width / rect.height,
        };
      });
    const cover = await shape();
    assert.equal(cover.fit, 'cover', 'the default fit crops');
    // The box has the frame's aspect (64:128), not the photo's (451:300).
    assert.ok(Math.abs(cover.aspect - 0.5) < 0.02, `aspect ${cover.aspect}`);
    for (const [constant, fit] of [
      ['CONTAIN', 'contain'],
      ['FILL', 'fill'],
    ]) {
      await page.getByLabel('Fit', { exact: true }).selectOption(constant!);
      await page.waitForFunction(
        `getComputedStyle(document.querySelector('[data-testid="keyframe"] .crop-preview img')).objectFit === '${fit}'`,
      );
    }
    await page.getByLabel('Width', { exact: true }).fill('128');
    await page.getByLabel('Height', { exact: true }).fill('64');
    assert.ok(Math.abs((await shape()).aspect - 2) < 0.05, 'the box follows the size');
  });

  test('"Created by" offers every member, and a backwards date range is refused on its field', async () => {
    const member = await joinWorkspace(server.url, workspaceId, 'MEMBER');
    const theirs = await createRun(
      server.url,
      { model: 'taef2', imageIds, steps: 2, width: 64, height: 64, name: 'member run' },
      { token: member.token, workspaceId },
    );
    await page.goto('/');
    const list = page.getByRole('list', { name: 'Run history' });
    await list.getByRole('listitem').first().waitFor();
    const createdBy = page.getByLabel('Created by');
    await createdBy.locator('option', { hasText: member.user.name }).waitFor({ state: 'attached' });
    await createdBy.selectOption({ label: member.user.name });
    await waitForHistory(page, `by=${member.user.id}`);
    assert.deepEqual(
      await list
        .getByRole('listitem')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))),
      [theirs.id],
    );

    // A member's page sees the owner among the creators too.
    const context = await newSignedInContext(browser, server.url, member.token);
    try {
      const other = await context.newPage();
      other.on('pageerror', (error) => pageErrors.push(error.message));
      await other.goto('/');
      await other
        .getByLabel('Created by')
        .locator('option', { hasText: 'Owner' })
        .waitFor({ state: 'attached' });
    } finally {
      await context.close();
    }

    await page.getByLabel('Created from').fill('2026-03-02');
    await page.getByLabel('Created until').fill('2026-03-01');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const until = page.getByLabel('Created until');
    await page.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await until.getAttribute('aria-invalid'), 'true');
    const message = await page
      .locator(`[id="${(await until.getAttribute('aria-describedby')) ?? ''}"]`)
      .textContent();
    assert.match(message ?? '', /2026-03-01.*2026-03-02/);
    assert.doesNotMatch(page.url(), /from=|until=/, 'the refused range is not applied');

    await page.getByLabel('Created until').fill('2026-03-02');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('until') === '2026-03-02');
    assert.equal(await page.locator('input[aria-invalid="true"]').count(), 0);

    // A link with such a range says so on the field, and asks the API nothing it would refuse.
    const ranges: { createdAfter?: string; createdBefore?: string }[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { variables?: { filter?: object } } | null;
      if (request.url().endsWith('/graphql') && body?.variables?.filter)
        ranges.push(body.variables.filter);
    });
    await page.goto('/?from=2026-03-02&until=2026-03-01');
    await page.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await until.getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Created until').fill('2026-03-03');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    // The range may match no run.
    await waitForHistory(page, 'from=2026-03-02&until=2026-03-03', { empty: true });
    assert.ok(ranges.length > 0);
    for (const { createdAfter, createdBefore } of ranges)
      assert.ok(
        !createdAfter || !createdBefore || createdBefore > createdAfter,
        `no backwards range sent: ${createdAfter} .. ${createdBefore}`,
      );
  });

  test('a run that ends shows as ended only with its final record, fetched again while that fails', async () => {
    const base = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    const cancel = (id: string) =>
      gqlOk(server.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', { id });

    /** Fails the page's next `count` fetches of a run's record (its Run query). */
    const failRunFetches = async (runId: string, count: number) => {
      let failed = 0;
      const reached = new EventEmitter();
      const handler = async (route: Route) => {
        const body = route.request().postDataJSON() as {
          operationName?: string;
          variables?: { id?: string };
        } | null;
        if (body?.operationName !== 'Run' || body.variables?.id !== runId || failed >= count)
          return route.continue();
        failed++;
        await route.abort('connectionrefused');
        if (failed === count) reached.emit('count');
      };
      await page.route('**/graphql', handler);
      return {
        /** Resolves once `count` fetches have failed. */
        all: new Promise<void>((resolve) => reached.once('count', resolve)),
        failed: () => failed,
        stop: () => page.unroute('**/graphql', handler),
      };
    };

    // Compare: two fetches fail, and the third (1 and 2 s later) brings the record.
    const ending = await createRun(server.url, { ...base, name: 'ends while compared' });
    const other = await createRun(server.url, { ...base, name: 'stays queued' });
    await page.goto(`/compare?runs=${String(ending.id)},${String(other.id)}`);
    const column = page.getByTestId('compare-column').first();
    await column.locator('.status-QUEUED').waitFor();
    const compareFetches = await failRunFetches(String(ending.id), 2);
    await cancel(String(ending.id));
    const shownCanceled = column.locator('.status-CANCELED').waitFor();
    // No fetch of its record succeeds before the second failure: it cannot show as ended first.
    assert.equal(
      await Promise.race([
        compareFetches.all.then(() => 'two fetches failed'),
        shownCanceled.then(() => 'shown as canceled'),
      ]),
      'two fetches failed',
    );
    assert.equal(await column.locator('.status').textContent(), 'queued');
    await shownCanceled;
    assert.equal(compareFetches.failed(), 2);
    await compareFetches.stop();

    // The run view: all 5 tries fail (1, 2, 4 and 8 s apart), and the page says so.
    const viewed = await createRun(server.url, { ...base, name: 'ends while viewed' });
    await page.goto(`/runs/${String(viewed.id)}`);
    const status = page.getByTestId('run-status');
    await status.locator('.status-QUEUED').waitFor();
    const viewFetches = await failRunFetches(String(viewed.id), Infinity);
    await cancel(String(viewed.id));
    await page
      .getByText('The run ended, but its final state could not be fetched')
      .waitFor({ timeout: 30_000 });
    // Its 5 tries, and the queue place's own refetch when the run left the queue.
    assert.ok(viewFetches.failed() >= 5, `${viewFetches.failed()} fetches failed`);
    assert.equal(await status.textContent(), 'queued');
    await viewFetches.stop();
    await page.reload();
    await status.locator('.status-CANCELED').waitFor();
  });

  test("the sweep fieldset says the workspace's run limit, and warns when a sweep would pass it", async () => {
    // No worker here: the runs queued so far stay queued, so these counts hold while the form is open.
    const { quota } = await gqlOk(server.url, '{ quota { activeRuns maxActiveRuns } }');
    const free = quota.maxActiveRuns - quota.activeRuns;
    assert.ok(free >= 2, `room for a sweep: ${JSON.stringify(quota)}`);
    await page.goto('/runs/new');
    await page.getByLabel('Vary').selectOption('seed');
    assert.equal(
      (await page.getByTestId('sweep-quota').textContent())?.trim(),
      `This workspace may have ${quota.maxActiveRuns} runs queued or running at once; ${quota.activeRuns} were when this form opened.`,
    );
    const values = page.getByLabel('Values (comma separated)');
    const seeds = (count: number) => Array.from({ length: count }, (_, i) => 500 + i).join(', ');
    await values.fill(seeds(free));
    await page.getByRole('button', { name: `Start ${free} runs` }).waitFor();
    assert.equal(await page.getByTestId('sweep-over-quota').count(), 0);
    await values.fill(seeds(free + 2));
    assert.match(
      (await page.getByTestId('sweep-over-quota').textContent()) ?? '',
      new RegExp(`These ${free + 2} runs would pass that limit unless 2 runs end first`),
    );
  });
});

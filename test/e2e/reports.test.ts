// Saved reports in Chromium against the real server: a member sets a comparison's frame, wipe
// position and amplification, copies its link and saves it as a report; a viewer opens the
// report's link and finds the same view (the controls' values, not pixels) and no way to edit it.
// The same for a sweep's grid: its tab, frame, plotted metric and axis come back from the report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createRun, gqlOk, joinWorkspace, uploadPhotos, watchRun } from '../helpers/api.ts';
import {
  closeDashboard,
  newSignedInContext,
  openDashboard,
  PHONE,
  screenshot,
  unnamedControls,
} from './browser.ts';

const STEPS = 6;
const SIDE = 64;

const dashboard = await openDashboard({
  name: 'e2ereports',
  workerInProcess: true,
  intraOpThreads: 1,
});
const { server, browser, pageErrors } = dashboard;

/** The comparison's controls as a person reads them. */
async function viewControls(page: Page) {
  return {
    position: await page.getByTestId('compare-position').textContent(),
    difference: await page.getByRole('radio', { name: 'Difference' }).isChecked(),
    amplify: await page.getByLabel('Amplify').inputValue(),
  };
}

/** The divider's value, read in the wipe view (each view shows its own setting). */
async function dividerOf(page: Page): Promise<string> {
  await page.getByRole('radio', { name: 'A/B wipe' }).check();
  return page.getByLabel('Divider').inputValue();
}

describe('saved reports in Chromium', () => {
  let runIds: string[];
  let imageIds: string[];
  let member: BrowserContext;
  let viewer: BrowserContext;
  let reportUrl = '';

  before(async () => {
    const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
    const workspace: string = me.workspaces[0].id;
    const memberAccount = await joinWorkspace(server.url, workspace, 'MEMBER');
    const viewerAccount = await joinWorkspace(server.url, workspace, 'VIEWER');
    imageIds = await uploadPhotos(server.url, ['astronaut', 'chelsea']);
    runIds = [];
    for (const seed of [1, 2]) {
      const input = { model: 'taef2', imageIds, steps: STEPS, width: SIDE, height: SIDE, seed };
      const run = await createRun(server.url, { ...input, noise: { level: 0.5 } });
      await watchRun(server.url, run.id as string);
      runIds.push(run.id as string);
    }
    member = await newSignedInContext(browser, server.url, memberAccount.token, {
      viewport: { width: 1280, height: 900 },
    });
    await member.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    viewer = await newSignedInContext(browser, server.url, viewerAccount.token, {
      viewport: { width: 1280, height: 900 },
    });
    for (const context of [member, viewer])
      context.on('page', (page) => page.on('pageerror', (e) => pageErrors.push(e.message)));
  });

  after(async () => {
    await member?.close();
    await viewer?.close();
    await closeDashboard(dashboard);
  });

  test('a member sets the wipe, amplification and frame; Copy link reopens that whole view', async () => {
    const page = await member.newPage();
    await page.goto(`/compare?runs=${runIds.join(',')}`);
    await page.getByTestId('compare-column').nth(1).locator('img').waitFor();
    await page.getByTestId('compare-scrubber').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.getByRole('radio', { name: 'A/B wipe' }).check();
    await page.getByLabel('Divider').fill('30');
    await page.getByRole('radio', { name: 'Difference' }).check();
    await page.getByLabel('Amplify').selectOption('8');
    await page.waitForFunction(`(() => {
      const q = new URLSearchParams(location.search);
      return q.get('frame') === '3' && q.get('view') === 'diff' && q.get('wipe') === '30' && q.get('gain') === '8';
    })()`);

    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Copied.').waitFor();
    const link = (await page.evaluate('navigator.clipboard.readText()')) as string;
    assert.equal(link, page.url(), 'the link is the address of the view shown');
    const reopened = await member.newPage();
    await reopened.goto(link);
    await reopened.getByTestId('compare-column').nth(1).locator('img').waitFor();
    assert.deepEqual(await viewControls(reopened), {
      position: `frame 4 of ${STEPS}`,
      difference: true,
      amplify: '8',
    });
    assert.equal(await dividerOf(reopened), '30');
    await reopened.close();

    await page.getByRole('button', { name: 'Save as report' }).click();
    const form = page.getByRole('form', { name: 'Save as report' });
    await form.getByRole('button', { name: 'Save report' }).click();
    await form.getByText('Give the report a name.').waitFor();
    await form.getByLabel('Report name').fill('Seeds 1 and 2 at frame 3');
    await form.getByLabel('Notes (Markdown)').fill('Seed **2** keeps the ears.');
    await form.getByRole('button', { name: 'Save report' }).click();
    await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
    reportUrl = page.url();
    await page.getByRole('heading', { name: 'Seeds 1 and 2 at frame 3' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Edit name and notes' }).isVisible());
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), reportUrl);
    await page.close();
  });

  test('a viewer opens the report link and sees the same view, read-only', async () => {
    assert.ok(reportUrl, 'the member saved a report');
    const page = await viewer.newPage();
    await page.goto(reportUrl);
    await page.getByRole('heading', { name: 'Seeds 1 and 2 at frame 3' }).waitFor();
    assert.equal(
      await page.getByTestId('report-notes').locator('strong').textContent(),
      '2',
      'the notes are Markdown',
    );
    await page.getByTestId('compare-column').nth(1).locator('img').waitFor();
    assert.deepEqual(await viewControls(page), {
      position: `frame 4 of ${STEPS}`,
      difference: true,
      amplify: '8',
    });
    await page.getByTestId('compare-canvas').waitFor();
    await screenshot(page, 'report-viewer');
    for (const control of ['Edit name and notes', 'Delete report', 'Save this view to the report'])
      assert.equal(await page.getByRole('button', { name: control }).count(), 0, control);
    assert.ok(await page.getByRole('button', { name: 'Copy link' }).isVisible());
    assert.equal(await dividerOf(page), '30');

    // Listed on the Reports page; the compare page offers a viewer no "Save as report".
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('link', { name: 'Seeds 1 and 2 at frame 3' }).waitFor();
    await page.goto(`/compare?runs=${runIds.join(',')}`);
    await page.getByTestId('compare-column').nth(1).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save as report' }).count(), 0);
    await page.close();
  });

  test('the author edits the notes and deletes the report; every control is named and fits a phone', async () => {
    const page = await member.newPage();
    await page.goto(`/compare?runs=${runIds.join(',')}`);
    await page.getByRole('button', { name: 'Save as report' }).click();
    await page.getByRole('form', { name: 'Save as report' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await unnamedControls(page), [], 'compare with the Save as report form');

    await page.goto('/reports');
    await page.getByRole('link', { name: 'Seeds 1 and 2 at frame 3' }).click();
    await page.waitForURL(reportUrl);
    await page.getByTestId('compare-column').nth(1).locator('img').waitFor();
    assert.deepEqual(await unnamedControls(page), [], 'the report page');
    // The author keeps another view in the report: the onion skin at 70 %.
    await page.getByRole('radio', { name: 'Onion skin' }).check();
    await page.getByLabel('Opacity of B').fill('70');
    await page.getByRole('button', { name: 'Save this view to the report' }).click();
    await page.getByText('View saved.').waitFor();
    await page.reload();
    await page.getByTestId('compare-column').nth(1).locator('img').waitFor();
    assert.ok(await page.getByRole('radio', { name: 'Onion skin' }).isChecked());
    assert.equal(await page.getByLabel('Opacity of B').inputValue(), '70');
    assert.equal(await page.getByTestId('compare-position').textContent(), `frame 4 of ${STEPS}`);

    await page.getByRole('button', { name: 'Edit name and notes' }).click();
    const form = page.getByRole('form', { name: /^Edit report/ });
    assert.deepEqual(await unnamedControls(page), [], 'the report editor');
    await form.getByLabel('Notes (Markdown)').fill('Seed *1* wins after all.');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('report-notes').locator('em').getByText('1').waitFor();

    const phone = await member.browser()!.newContext({
      baseURL: server.url,
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      storageState: await member.storageState(),
    });
    try {
      const small = await phone.newPage();
      for (const path of ['/reports', new URL(reportUrl).pathname]) {
        await small.goto(path);
        await small.locator('main h1').first().waitFor();
        await small.waitForLoadState('networkidle');
        const overflow = (await small.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        )) as number;
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${PHONE.width}px`);
      }
      await screenshot(small, 'phone-report');
    } finally {
      await phone.close();
    }

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete report' }).click();
    await page.waitForURL((url) => url.pathname === '/reports');
    await page.getByText('No reports yet.').waitFor();
    const gone = await viewer.newPage();
    await gone.goto(reportUrl);
    await gone.getByRole('heading', { name: 'Report not found' }).waitFor();
    await gone.close();
    await page.close();
    assert.deepEqual(pageErrors, []);
  });

  test("a member saves a sweep's grid with another tab, frame, metric and axis; a viewer finds the same", async () => {
    // Two runs, one per value of the third axis (the tabs).
    const { createSweep } = await gqlOk(
      server.url,
      'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }',
      {
        input: {
          name: 'easings',
          base: { model: 'taef2', imageIds, steps: 3, width: SIDE, height: SIDE, seed: 7 },
          axes: [
            { field: 'method', values: ['LERP'] },
            { field: 'noise.level', values: [0] },
            { field: 'easing', values: ['LINEAR', 'EASE_IN'] },
          ],
        },
      },
    );
    const sweepPath = `/sweeps/${createSweep.id as string}`;
    const page = await member.newPage();
    await page.goto(sweepPath);
    await page.locator('[data-testid="sweep-cell"][data-status]').first().waitFor();
    await page.getByRole('tab', { name: 'easing ease-in' }).click();
    await page.getByTestId('sweep-scrubber').focus();
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowRight');
    await page.getByLabel('Metric', { exact: true }).selectOption({ label: 'Change CV' });
    await page.getByLabel('Against').selectOption({ label: 'easing' });
    await page.waitForFunction(`(() => {
      const q = new URLSearchParams(location.search);
      return q.get('tab') === '1' && q.get('frame') === '2' && q.get('metric') === 'CHANGE_CV' && q.get('by') === '2';
    })()`);
    await page.getByRole('button', { name: 'Save as report' }).click();
    const form = page.getByRole('form', { name: 'Save as report' });
    await form.getByLabel('Report name').fill('Ease-in at the end');
    await form.getByRole('button', { name: 'Save report' }).click();
    await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
    const sweepReportUrl = page.url();
    await page.close();

    /** The grid's controls as a person reads them. */
    const gridControls = async (shown: Page) => ({
      tab: await shown.getByRole('tab', { selected: true }).textContent(),
      position: await shown.getByTestId('sweep-position').textContent(),
      metric: await shown.getByLabel('Metric', { exact: true }).inputValue(),
      against: await shown.getByLabel('Against').inputValue(),
    });
    const expected = {
      tab: 'easing ease-in',
      position: 'frame 3 of 3',
      metric: 'CHANGE_CV',
      against: '2',
    };
    const shown = await viewer.newPage();
    await shown.goto(sweepReportUrl);
    await shown.getByRole('heading', { name: 'Ease-in at the end' }).waitFor();
    await shown.getByRole('heading', { name: 'Sweep easings' }).waitFor();
    await shown.locator('[data-testid="sweep-cell"][data-status]').first().waitFor();
    assert.deepEqual(await gridControls(shown), expected);
    assert.equal(
      await shown.getByRole('button', { name: 'Save this view to the report' }).count(),
      0,
    );
    await screenshot(shown, 'report-sweep-viewer');
    // The sweep's name links to its page at the same view.
    const sweepLink = new URL(
      (await shown.getByRole('link', { name: 'easings' }).getAttribute('href'))!,
      server.url,
    );
    assert.equal(sweepLink.pathname, sweepPath);
    assert.equal(sweepLink.search, '?tab=1&frame=2&metric=CHANGE_CV&by=2');

    // Listed with its kind; the sweep page offers a viewer no "Save as report".
    await shown.goto('/reports');
    await shown
      .getByRole('row', { name: /Ease-in at the end/ })
      .getByText('Sweep grid · Change CV · position 2')
      .waitFor();
    await shown.goto(sweepPath);
    await shown.locator('[data-testid="sweep-cell"][data-status]').first().waitFor();
    assert.equal(await shown.getByRole('button', { name: 'Save as report' }).count(), 0);
    await shown.close();
    assert.deepEqual(pageErrors, []);
  });
});

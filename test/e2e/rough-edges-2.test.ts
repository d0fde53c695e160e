// Rough edges of the dashboard, part 2, each checked in Chromium against the real server with a
// worker: the encode time of a run shown once it ends, a failed run in plain words with no empty
// player and no Cancel, one frame numbering in both players, selects as wide as their options, the
// phone header behind a Menu button, scroll areas the keyboard reaches, the run player's keys, and
// run lists that do not prefetch every run's page.
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { atFrame, createRun, gqlOk, uploadPhotos, watchRun, wsClient } from '../helpers/api.ts';
import { closeDashboard, newSignedInContext, openDashboard, PHONE } from './browser.ts';

const STEPS = 3;
const TINY = { model: 'taef2', steps: STEPS, width: 64, height: 64 };

const dashboard = await openDashboard({ name: 'e2eedges2', workerInProcess: true });
const { server, browser, page, pageErrors, testServer } = dashboard;

/** The run page's value for one of its parameters (the dd after the dt with this label). */
function parameter(p: Page, label: string) {
  return p
    .locator('dl.params dt', { hasText: new RegExp(`^${label}$`) })
    .locator('xpath=following-sibling::dd[1]');
}

/**
 * Visible selects narrower than they would be to fit their longest option: each is measured
 * against a copy of itself at its natural (auto) width, in the same place so the same styles apply.
 */
async function truncatedSelects(p: Page): Promise<string[]> {
  return p.evaluate(`[...document.querySelectorAll('select')]
    .filter((select) => select.getClientRects().length > 0)
    .flatMap((select) => {
      const natural = select.cloneNode(true);
      natural.style.cssText = 'position:absolute;visibility:hidden;width:auto;min-width:0;max-width:none';
      select.parentElement.appendChild(natural);
      const needed = natural.getBoundingClientRect().width;
      natural.remove();
      const has = select.getBoundingClientRect().width;
      const name = select.getAttribute('aria-label') ?? select.labels?.[0]?.textContent ?? select.id;
      return needed > has + 0.5 ? [name + ': ' + Math.round(has) + 'px of ' + Math.round(needed) + 'px'] : [];
    })`);
}

/**
 * Scroll areas that overflow with nothing a keyboard reaches (axe's scrollable-region-focusable):
 * neither focusable themselves nor holding a focusable element.
 */
async function unreachableScrollAreas(p: Page): Promise<string[]> {
  return p.evaluate(`[...document.querySelectorAll('body *')]
    .filter((el) => {
      const style = getComputedStyle(el);
      const scrolls = (overflow) => overflow === 'auto' || overflow === 'scroll';
      return (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth) ||
        (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight);
    })
    .filter((el) => el.tabIndex < 0 && !el.querySelector('a[href], button, input, select, textarea, [tabindex]'))
    .map((el) => el.tagName.toLowerCase() + '.' + el.className)`);
}

describe('dashboard rough edges, part 2, in Chromium', () => {
  let workspaceId = '';
  let imageIds: string[] = [];
  /** Two finished runs of STEPS frames. */
  const finished: string[] = [];

  before(async () => {
    const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
    workspaceId = me.workspaces[0].id;
    imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
  });

  after(async () => {
    await closeDashboard(dashboard);
    assert.deepEqual(pageErrors, []);
  });

  test('the run page, open while the run is queued, shows its encode time once it ends', async () => {
    // A long run holds the only worker slot, so the run under test is queued when its page opens.
    const blocker = await createRun(server.url, { ...TINY, imageIds, steps: 400 });
    const client = wsClient(server.url);
    try {
      await atFrame(client, String(blocker.id), 0, () => {});
    } finally {
      await client.dispose();
    }
    // 72x72: keyframes no run has encoded at this size, so this run encodes them.
    const run = await createRun(server.url, { ...TINY, imageIds, width: 72, height: 72 });
    const runId = String(run.id);
    finished.push(runId);
    await page.goto(`/runs/${runId}`);
    await page.getByTestId('run-status').getByText('queued').waitFor();
    const encode = parameter(page, 'Encode');
    assert.equal(await encode.textContent(), '—');
    await gqlOk(server.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', {
      id: String(blocker.id),
    });

    await page.getByTestId('run-status').getByText('succeeded').waitFor();
    await page.waitForFunction(
      (el) => /\d/.test(el?.textContent ?? ''),
      await encode.elementHandle(),
    );
    assert.match((await encode.textContent()) ?? '', /^\d+(\.\d)? (ms|s)$/);
    const { run: stored } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { encodeMs } }',
      { id: runId },
    );
    assert.ok(stored.encodeMs > 0, `encodeMs ${stored.encodeMs}`);
  });

  test('a failed run says why in plain words, shows no empty player and offers no Cancel', async () => {
    // A real failure: the stored file of one input image is gone before the run starts.
    const [astronautId] = await uploadPhotos(server.url, ['astronaut']);
    const { image } = await gqlOk(server.url, 'query ($id: ID!) { image(id: $id) { sha256 } }', {
      id: astronautId,
    });
    const folder = join(testServer.dataDir, 'files', 'images', workspaceId);
    const originals = (await readdir(folder)).filter(
      (name) => name.startsWith(`${image.sha256}.`) && !name.includes('.thumb.'),
    );
    assert.equal(originals.length, 1);
    await rm(join(folder, originals[0]!));
    const run = await createRun(server.url, { ...TINY, imageIds: [astronautId, imageIds[0]] });
    const runId = String(run.id);
    await watchRun(server.url, runId);

    const { run: stored } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { status error } }',
      {
        id: runId,
      },
    );
    assert.equal(stored.status, 'FAILED');
    assert.match(stored.error, /input image of this run is missing from storage/);
    for (const leak of [image.sha256, 'images/', testServer.dataDir, workspaceId])
      assert.ok(!stored.error.includes(leak), `the error names ${leak}: ${stored.error}`);

    await page.goto(`/runs/${runId}`);
    await page.getByTestId('run-status').getByText('failed').waitFor();
    const alert = page.locator('.alert.error');
    assert.match(
      (await alert.textContent()) ?? '',
      /^The run failed: An input image .* missing from storage/,
    );
    await page.getByTestId('no-frames').getByText('before it rendered any frame').waitFor();
    assert.equal(await page.locator('.player-stage').count(), 0, 'no empty player');
    assert.equal(await page.getByTestId('filmstrip').count(), 0, 'no strip of undecoded frames');
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
    await page.getByRole('button', { name: 'Rerun with new seed' }).waitFor();
  });

  test('the run player and compare number frames the same way: frame 1 of N to frame N of N', async () => {
    const second = await createRun(server.url, {
      ...TINY,
      imageIds,
      name: 'astronaut to chelsea, slow ease',
    });
    await watchRun(server.url, String(second.id));
    finished.push(String(second.id));

    await page.goto(`/runs/${finished[0]}`);
    const playerPosition = page.getByTestId('player-position');
    await page.getByTestId('run-status').getByText('succeeded').waitFor();
    assert.equal(await playerPosition.textContent(), `frame ${STEPS} of ${STEPS}`);
    assert.equal(
      await page.locator('.player-stage img').getAttribute('alt'),
      `frame ${STEPS} of ${STEPS}`,
    );
    assert.deepEqual(
      await page.getByTestId('filmstrip').locator('.index').allTextContents(),
      Array.from({ length: STEPS }, (_, i) => String(i + 1)),
    );

    await page.goto(`/compare?runs=${finished.join(',')}`);
    await page.getByTestId('compare-column').nth(1).locator('img').waitFor();
    const comparePosition = page.getByTestId('compare-position');
    assert.equal(await comparePosition.textContent(), `frame 1 of ${STEPS}`);
    assert.deepEqual(await page.getByTestId('compare-frame-index').allTextContents(), [
      `frame 1 of ${STEPS}`,
      `frame 1 of ${STEPS}`,
    ]);
    await page.keyboard.press('End');
    assert.equal(await comparePosition.textContent(), `frame ${STEPS} of ${STEPS}`);
    assert.deepEqual(await page.getByTestId('compare-frame-index').allTextContents(), [
      `frame ${STEPS} of ${STEPS}`,
      `frame ${STEPS} of ${STEPS}`,
    ]);
  });

  test('the run player steps, jumps and plays from the keyboard, as its hint says', async () => {
    await page.goto(`/runs/${finished[0]}`);
    await page.getByTestId('run-status').getByText('succeeded').waitFor();
    const player = page.getByRole('region', { name: 'Player' });
    assert.equal(
      await player.getAttribute('aria-keyshortcuts'),
      'Space ArrowLeft ArrowRight Home End',
    );
    await player.getByText(/Space plays or pauses/).waitFor();
    const position = page.getByTestId('player-position');
    await page.keyboard.press('Home');
    assert.equal(await position.textContent(), `frame 1 of ${STEPS}`);
    await page.keyboard.press('ArrowRight');
    assert.equal(await position.textContent(), `frame 2 of ${STEPS}`);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await position.textContent(), `frame 1 of ${STEPS}`);
    await page.keyboard.press('End');
    assert.equal(await position.textContent(), `frame ${STEPS} of ${STEPS}`);
    const play = page.getByTestId('player-play');
    await page.keyboard.press(' ');
    assert.equal(await play.getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(
      `document.querySelector('[data-testid="player-position"]').textContent !== 'frame ${STEPS} of ${STEPS}'`,
    );
    await page.keyboard.press(' ');
    assert.equal(await play.getAttribute('aria-pressed'), 'false');
  });

  test('every select is as wide as its longest option: New run form, runs filters, members, compare', async () => {
    const compareWipe = `/compare?runs=${finished.join(',')}&view=wipe`;
    for (const path of ['/runs/new', '/', '/members', compareWipe]) {
      await page.goto(path);
      await page.locator('main select').first().waitFor();
      if (path === '/runs/new') {
        await page.getByText(/Pick from the library/).click();
        await page.getByRole('button', { name: 'Add chelsea.png' }).click();
      }
      assert.deepEqual(await truncatedSelects(page), [], path);
    }
  });

  test('at phone width the header is one line with a Menu button that opens the navigation', async () => {
    const context = await newSignedInContext(browser, server.url, testServer.owner.token, {
      viewport: PHONE,
    });
    try {
      const phone = await context.newPage();
      phone.on('pageerror', (error) => pageErrors.push(error.message));
      await phone.goto('/');
      const menu = phone.getByRole('button', { name: 'Menu' });
      await menu.waitFor();
      const height = await phone
        .locator('header.site-header')
        .evaluate((el) => el.getBoundingClientRect().height);
      assert.ok(height <= 64, `the header is ${height}px tall`);
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      assert.equal(await phone.getByRole('link', { name: 'Presets' }).isVisible(), false);

      // By keyboard alone: Tab to the Menu button, open it, Tab on into the navigation.
      const focused = () => phone.evaluate(`document.activeElement?.textContent?.trim() ?? ''`);
      for (let presses = 0; presses < 6 && (await focused()) !== 'Menu'; presses++)
        await phone.keyboard.press('Tab');
      assert.equal(await focused(), 'Menu');
      await phone.keyboard.press('Enter');
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await phone.keyboard.press('Tab');
      assert.equal(await focused(), 'Runs');
      assert.ok(await phone.getByRole('link', { name: 'Presets' }).isVisible());
      // Escape closes it and gives the focus back to the Menu button.
      await phone.keyboard.press('Escape');
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      assert.equal(await focused(), 'Menu');
      await phone.keyboard.press('Enter');
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');

      // Following a link closes the menu.
      await phone.getByRole('link', { name: 'Presets' }).click();
      await phone.waitForURL(/\/presets$/);
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    } finally {
      await context.close();
    }
    await page.goto('/');
    await page.getByRole('link', { name: 'Presets' }).waitFor();
    assert.equal(
      await page.getByRole('button', { name: 'Menu' }).isVisible(),
      false,
      'no Menu on desktop',
    );
  });

  test('scroll areas of compare and the run page are reachable by keyboard', async () => {
    const context = await newSignedInContext(browser, server.url, testServer.owner.token, {
      viewport: PHONE,
    });
    try {
      const phone = await context.newPage();
      phone.on('pageerror', (error) => pageErrors.push(error.message));
      await phone.goto(`/compare?runs=${finished.join(',')}`);
      const table = phone.getByRole('region', { name: 'Parameter table' });
      await table.waitFor();
      assert.equal(await table.getAttribute('tabindex'), '0', 'Tab reaches the table');
      assert.deepEqual(await unreachableScrollAreas(phone), []);
      await phone.goto(`/runs/${finished[0]}`);
      await phone.getByRole('region', { name: 'Per-frame timings table' }).waitFor();
      assert.deepEqual(await unreachableScrollAreas(phone), []);
    } finally {
      await context.close();
    }
  });

  test('the Runs page does not prefetch the page of every run it lists', async () => {
    const listed = 20;
    const existing = (await gqlOk(server.url, '{ runs { totalCount } }')).runs.totalCount as number;
    for (let i = existing; i < listed; i++) await createRun(server.url, { ...TINY, imageIds });
    const runPageFetches: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (/^\/runs\/(?!new$)[^/]+$/.test(url.pathname)) runPageFetches.push(url.pathname);
    });
    await page.goto('/');
    const rows = page.getByRole('list', { name: 'Run history' }).getByRole('listitem');
    await rows.nth(listed - 1).waitFor();
    // Links prefetch as they come into view: every row is brought into view.
    for (let i = 0; i < listed; i += 4) await rows.nth(i).scrollIntoViewIfNeeded();
    await rows.nth(listed - 1).scrollIntoViewIfNeeded();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(runPageFetches, []);
  });
});

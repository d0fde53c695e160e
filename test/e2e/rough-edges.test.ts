// Rough edges of the dashboard, each checked in Chromium against the real server (or through the
// API where the edge is the server's answer): notes that only their editors may edit, upload
// refusals in plain words, the New run form's fps bound and focus after a failed submit,
// focus kept through keyboard reordering of keyframes, players that start at the run's own fps,
// Markdown tables and capped headings in notes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import {
  createRun,
  gqlOk,
  joinWorkspace,
  PHOTOS,
  uploadBytes,
  uploadPhotos,
} from '../helpers/api.ts';
import { DEFAULT_FPS } from '@latent-lab/domain';
import { closeDashboard, newSignedInContext, openDashboard } from './browser.ts';

// A pixel limit between the photos the runs use (chelsea 451x300, coffee 600x400) and astronaut's 512x512.
const MAX_INPUT_PIXELS = 250_000;
/** A 1x1 GIF: a format the engine reads but the picker does not offer. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');

const dashboard = await openDashboard({ name: 'e2eedges', maxInputPixels: MAX_INPUT_PIXELS });
const { server, browser, page, pageErrors } = dashboard;

describe('dashboard rough edges in Chromium', () => {
  let workspaceId = '';
  let imageIds: string[] = [];

  before(async () => {
    const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
    workspaceId = me.workspaces[0].id;
    imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
  });

  /** A new run (queued: no worker here) with these notes, written through the API; its id. */
  async function runWithNotes(notes: string): Promise<string> {
    const run = await createRun(server.url, {
      model: 'taef2',
      imageIds,
      steps: 2,
      width: 64,
      height: 64,
    });
    const id = String(run.id);
    await gqlOk(
      server.url,
      'mutation ($id: ID!, $n: String!) { updateRunNotes(id: $id, notes: $n) { id } }',
      { id, n: notes },
    );
    return id;
  }

  after(async () => {
    await closeDashboard(dashboard);
    assert.deepEqual(pageErrors, []);
  });

  test('notes are read-only, with no edit control, for viewers and for members on runs not theirs', async () => {
    const runId = await runWithNotes('Owner **notes**');
    const notesPanel = (p: typeof page) => p.getByRole('region', { name: 'Notes' });

    // The owner may edit: the control is there.
    await page.goto(`/runs/${runId}`);
    await notesPanel(page).locator('strong', { hasText: 'notes' }).waitFor();
    await notesPanel(page).getByRole('button', { name: 'Edit notes' }).waitFor();

    for (const role of ['VIEWER', 'MEMBER']) {
      const person = await joinWorkspace(server.url, workspaceId, role);
      const context = await newSignedInContext(browser, server.url, person.token);
      try {
        const other = await context.newPage();
        other.on('pageerror', (error) => pageErrors.push(error.message));
        await other.goto(`/runs/${runId}`);
        await notesPanel(other).locator('strong', { hasText: 'notes' }).waitFor();
        assert.equal(
          await notesPanel(other).getByRole('button').count(),
          0,
          `${role}: no controls`,
        );
        assert.equal(await notesPanel(other).locator('textarea').count(), 0);
      } finally {
        await context.close();
      }
    }
  });

  test('upload refusals name the formats the picker offers, never the decoder, and format pixel counts', async () => {
    const cut = (await readFile(PHOTOS.rocket)).subarray(0, 300);
    for (const [bytes, name] of [
      [cut, 'cut.jpg'],
      [GIF, 'dot.gif'],
    ] as const) {
      const refused = await uploadBytes(server.url, bytes, name);
      const message = refused.errors?.[0]?.message ?? '';
      assert.match(
        message,
        /damaged \(truncated or corrupt\) or not a supported image \(PNG, JPEG or WebP\)/,
      );
      assert.doesNotMatch(message, /Vips|GIF|AVIF|TIFF/);
    }

    await page.goto('/images');
    const picker = page.locator('input[type="file"]');
    assert.equal(await picker.getAttribute('accept'), 'image/png,image/jpeg,image/webp');
    await picker.setInputFiles([
      { name: 'astronaut.png', mimeType: 'image/png', buffer: await readFile(PHOTOS.astronaut) },
      { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: cut },
    ]);
    const errors = page.getByTestId('upload-error');
    await errors.nth(1).waitFor();
    assert.equal(
      await errors.nth(0).textContent(),
      'astronaut.png is 512×512 = 262,144 pixels, over the pixel limit of 250,000.',
    );
    const damaged = (await errors.nth(1).textContent()) ?? '';
    assert.match(damaged, /cut\.jpg.*damaged.*\(PNG, JPEG or WebP\)/);
    assert.doesNotMatch(damaged, /Vips/);
  });

  test('the New run form checks fps against the domain bound and focuses the first invalid field', async () => {
    await page.goto('/runs/new');
    await page.getByText(/Pick from the library/).click();
    await page.getByRole('button', { name: 'Add chelsea.png' }).click();
    await page.getByRole('button', { name: 'Add coffee.png' }).click();
    const steps = page.getByLabel('Steps (frames)');
    const fps = page.getByLabel('Frames per second');
    await steps.fill('5000');
    await fps.fill('60');
    const isFocused = (field: typeof fps) =>
      field.evaluate((el) => el === el.ownerDocument.activeElement);
    // The form checks on its own: nothing reaches the API.
    const createRequests: string[] = [];
    page.on('request', (request) => {
      if (request.postData()?.includes('createRun')) createRequests.push(request.url());
    });

    await page.getByRole('button', { name: 'Start run' }).click();
    await page.locator('input[aria-invalid="true"]').first().waitFor();
    assert.equal(await fps.getAttribute('aria-invalid'), 'true', 'fps is checked in the form');
    assert.equal(await isFocused(steps), true, 'the first invalid field has focus');

    await steps.fill('4');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForFunction(
      `document.querySelector('input[aria-invalid="true"]')?.getAttribute('aria-label') === 'Frames per second'`,
    );
    assert.equal(await isFocused(fps), true);
    const messageId = (await fps.getAttribute('aria-describedby')) ?? '';
    assert.match((await page.locator(`[id="${messageId}"]`).textContent()) ?? '', /50/);
    assert.match(page.url(), /\/runs\/new$/, 'no run was started');
    assert.deepEqual(createRequests, []);
  });

  test("moving a keyframe with the keyboard keeps focus on the moved keyframe's control", async () => {
    await page.goto('/runs/new');
    await page.getByText(/Pick from the library/).click();
    await page.getByRole('button', { name: 'Add chelsea.png' }).click();
    await page.getByRole('button', { name: 'Add coffee.png' }).click();
    const order = () => page.getByTestId('keyframe-name').allTextContents();
    const focusedLabel = () =>
      page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? null`);

    await page.getByRole('button', { name: 'Move chelsea.png later' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      `document.querySelector('[data-testid="keyframe-name"]')?.textContent.includes('coffee.png')`,
    );
    assert.deepEqual(await order(), ['1. coffee.png', '2. chelsea.png']);
    assert.equal(await focusedLabel(), 'Move chelsea.png later');

    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedLabel(), 'Move chelsea.png earlier');
    await page.keyboard.press('Space');
    await page.waitForFunction(
      `document.querySelector('[data-testid="keyframe-name"]')?.textContent.includes('chelsea.png')`,
    );
    assert.equal(await focusedLabel(), 'Move chelsea.png earlier');
  });

  test("the run player starts at the run's own fps and loop mode; compare at the default fps", async () => {
    const base = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    const slow = await createRun(server.url, { ...base, animation: { fps: 7, loop: 'PING_PONG' } });
    const plain = await createRun(server.url, base);
    await page.goto(`/runs/${String(slow.id)}`);
    const fps = page.getByLabel('FPS', { exact: true });
    await fps.waitFor();
    assert.equal(await fps.inputValue(), '7');
    assert.equal(
      await page.locator('label', { hasText: /^Mode/ }).locator('select').inputValue(),
      'ping-pong',
    );
    await page.goto(`/runs/${String(plain.id)}`);
    await page
      .getByText(plain.name as string)
      .first()
      .waitFor();
    assert.equal(await fps.inputValue(), String(DEFAULT_FPS), 'a run with the default animation');
    await page.goto(`/compare?runs=${String(slow.id)},${String(plain.id)}`);
    await page.getByTestId('compare-column').first().waitFor();
    assert.equal(await fps.inputValue(), String(DEFAULT_FPS));
  });

  test('notes render Markdown tables, and a heading in notes stays below the panel title', async () => {
    const runId = await runWithNotes(
      [
        '# Findings',
        '',
        '| Seed | Verdict |',
        '| --- | --- |',
        '| 11 | sharp |',
        '| 22 | soft |',
      ].join('\n'),
    );
    await page.goto(`/runs/${runId}`);
    const notes = page.getByTestId('run-notes');
    await notes.locator('table').waitFor();
    assert.deepEqual(await notes.locator('th').allTextContents(), ['Seed', 'Verdict']);
    assert.deepEqual(await notes.locator('td').allTextContents(), ['11', 'sharp', '22', 'soft']);
    assert.doesNotMatch((await notes.textContent()) ?? '', /\|/);
    const sizes = (await page.evaluate(`(() => {
      const panel = document.querySelector('[role="region"][aria-label="Notes"]');
      const size = (el) => parseFloat(getComputedStyle(el).fontSize);
      return { title: size(panel.querySelector('h2')), heading: size(panel.querySelector('.notes h1')) };
    })()`)) as { title: number; heading: number };
    assert.ok(
      sizes.heading < sizes.title,
      `notes heading ${sizes.heading}px, title ${sizes.title}px`,
    );
  });
});

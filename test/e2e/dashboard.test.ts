// The dashboard in a real browser against the real server (one process, one URL), PostgreSQL,
// the TAEF2 weights and the shared photos: upload and start a run, watch frames arrive, compare
// two runs with one scrubber, see inline validation, and screenshot every page.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { after, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { CREATE_RUN, gqlOk, PHOTOS } from '../helpers/api.ts';
import {
  closeDashboard,
  newSignedInContext,
  OBSERVER_SCRIPT,
  openDashboard,
  PHONE,
  screenshot,
  unnamedControls,
} from './browser.ts';

const STEPS = 24;
const SIDE = 192;

interface ProgressSample {
  done: number;
  status: string;
}

// Signed in as the owner the test server signed up (the session cookie of the API's token).
const dashboard = await openDashboard({
  name: 'e2e',
  workerInProcess: true,
  // One thread keeps a run long enough (seconds) for the run view to load while frames are still
  // arriving, whatever the core count.
  intraOpThreads: 1,
  initScript: OBSERVER_SCRIPT,
});
const { testServer, server, browser, page, pageErrors } = dashboard;

describe('dashboard in Chromium', () => {
  const runIds: string[] = [];

  after(() => closeDashboard(dashboard));

  /** A real drop event carrying the photo as a File (the page's code is a string: this file has no DOM types). */
  async function dropFile(selector: string, path: string): Promise<void> {
    const name = JSON.stringify(basename(path));
    const base64 = JSON.stringify((await readFile(path)).toString('base64'));
    const type = JSON.stringify(path.endsWith('.png') ? 'image/png' : 'image/jpeg');
    const dataTransfer = await page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob(${base64}), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], ${name}, { type: ${type} }));
      return transfer;
    })()`);
    await page.dispatchEvent(selector, 'drop', { dataTransfer });
  }

  async function waitForFinalStatus(): Promise<string> {
    const badge = page.getByTestId('run-status');
    await badge.filter({ hasText: /succeeded|failed|canceled/ }).waitFor({ timeout: 180_000 });
    return (await badge.textContent())!.trim();
  }

  test('uploads two shared photos (drag-and-drop and file picker) and starts a run', async () => {
    await page.goto('/runs/new');
    await dropFile('[data-testid="dropzone"]', PHOTOS.astronaut);
    await page.getByTestId('keyframe').first().waitFor();
    await page.locator('input[type="file"]').setInputFiles(PHOTOS.chelsea);
    await page.getByTestId('keyframe').nth(1).waitFor();
    assert.deepEqual(await page.getByTestId('keyframe-name').allTextContents(), [
      '1. astronaut.png',
      '2. chelsea.png',
    ]);

    await page.getByLabel('Steps (frames)').fill(String(STEPS));
    await page.getByLabel('Width').fill(String(SIDE));
    await page.getByLabel('Height').fill(String(SIDE));
    await page.getByLabel('Preset').selectOption({ label: 'Custom…' });
    await page.getByLabel('Level', { exact: true }).fill('0.3');
    await page.getByLabel('Schedule', { exact: true }).selectOption('BELL');
    const plot = page.getByRole('img', { name: 'Noise level across frames' }).locator('polyline');
    assert.equal(
      (await plot.getAttribute('points'))!.split(' ').length,
      STEPS,
      'the schedule plot has a point per frame',
    );
    await page.getByText('Pick from the library (2)').waitFor();
    await page.getByLabel('Name (optional)').fill('astronaut to cat');
    await page.getByLabel('Tags (comma separated)').fill('e2e, first');
    const seed = await page.getByLabel('Seed').inputValue();
    assert.match(seed, /^\d+$/, 'a random seed is filled in');
    await screenshot(page, 'new-run');

    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL((url) => /^\/runs\/(?!new$)[^/]+$/.test(url.pathname));
    runIds.push(page.url().split('/').pop()!);
  });

  test('shows frames in the run view before the run has finished, then its final state', async () => {
    await page.getByTestId('frames-done').waitFor();
    // Layout shifts count from here: the page itself is laid out, now only frames arrive.
    await page.evaluate('window.__layoutShift = 0');
    assert.equal(await waitForFinalStatus(), 'succeeded');
    const samples = (await page.evaluate('window.__progress')) as ProgressSample[];
    const partial = samples.filter(
      (s) => s.done > 0 && s.done < STEPS && /queued|running/.test(s.status),
    );
    assert.ok(
      partial.length > 0,
      `no frames were shown mid-run; samples: ${JSON.stringify(samples)}`,
    );
    assert.equal(await page.getByTestId('frames-done').textContent(), String(STEPS));
    assert.equal(await page.getByTestId('filmstrip').locator('img').count(), STEPS);
    const shift = (await page.evaluate('window.__layoutShift')) as number;
    assert.ok(shift < 0.05, `frames arriving shifted the layout (CLS ${shift})`);

    // The filmstrip shows the small WebP thumbnails; only the player loads the full PNG frame.
    const firstThumb = await page
      .getByTestId('filmstrip')
      .locator('img')
      .first()
      .getAttribute('src');
    const thumbResponse = await page.request.get(firstThumb!);
    assert.equal(thumbResponse.headers()['content-type'], 'image/webp');
    await page.getByRole('button', { name: 'Show frame 6' }).click();
    assert.equal(
      await page.locator('.player-stage img').getAttribute('alt'),
      `frame 6 of ${STEPS}`,
    );
    const frameResponse = await page.request.get(
      (await page.locator('.player-stage img').getAttribute('src'))!,
    );
    assert.equal(frameResponse.headers()['content-type'], 'image/png');
    await screenshot(page, 'run-view');
  });

  test('downloads the frames as a zip, an animated WebP, a GIF and a contact sheet from the server', async () => {
    async function download(link: string): Promise<{ bytes: Buffer; name: string }> {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: link }).click(),
      ]);
      return { bytes: await readFile((await file.path())!), name: file.suggestedFilename() };
    }
    const zipFile = await download('Frames (zip)');
    assert.equal(zipFile.name, 'astronaut to cat-frames.zip');
    const zip = unzipSync(zipFile.bytes);
    assert.equal(Object.keys(zip).length, STEPS + 1, 'every frame and run.json');
    const manifest = JSON.parse(new TextDecoder().decode(zip['run.json'])) as {
      steps: number;
      frames: { alpha: number }[];
    };
    assert.equal(manifest.steps, STEPS);
    assert.equal(manifest.frames.length, STEPS);
    const firstPng = await sharp(zip['frame-00000.png']!).metadata();
    assert.deepEqual([firstPng.format, firstPng.width, firstPng.height], ['png', SIDE, SIDE]);

    for (const [button, format] of [
      ['Animated WebP', 'webp'],
      ['GIF', 'gif'],
    ] as const) {
      const meta = await sharp((await download(button)).bytes, { animated: true }).metadata();
      assert.equal(meta.format, format);
      assert.equal(meta.pages, STEPS, `${format} has every frame`);
      assert.equal(meta.width, SIDE);
      assert.equal(meta.pageHeight, SIDE);
    }
    const sheet = await sharp((await download('Contact sheet')).bytes).metadata();
    assert.equal(sheet.format, 'png');
    // 24 frames: 5 columns, 5 rows of SIDE-wide thumbnails.
    assert.deepEqual([sheet.width, sheet.height], [5 * SIDE, 5 * SIDE]);
  });

  test('reruns with a new seed, and compare drives both runs with one scrubber', async () => {
    await page.getByRole('button', { name: 'Rerun with new seed' }).click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(runIds[0]!),
    );
    runIds.push(page.url().split('/').pop()!);
    assert.equal(await waitForFinalStatus(), 'succeeded');

    await page.goto('/');
    for (const name of ['astronaut to cat']) {
      await page.getByRole('link', { name }).first().waitFor();
    }
    const rows = page.getByRole('list', { name: 'Run history' }).getByRole('listitem');
    assert.equal(await rows.count(), 2);
    for (const id of runIds)
      await page.locator(`[data-run-id="${id}"] input[type="checkbox"]`).check();
    await screenshot(page, 'runs');
    await page.getByRole('link', { name: 'Compare 2 runs' }).click();
    await page.waitForURL(/\/compare\?runs=/);

    const columns = page.getByTestId('compare-column');
    await columns.nth(1).locator('img').waitFor();
    const shown = async () =>
      Promise.all([0, 1].map((i) => columns.nth(i).locator('img').getAttribute('src')));
    const indexes = async () => page.getByTestId('compare-frame-index').allTextContents();
    const before = await shown();
    assert.deepEqual(await indexes(), [`frame 1 of ${STEPS}`, `frame 1 of ${STEPS}`]);

    const scrubber = page.getByTestId('compare-scrubber');
    await scrubber.focus();
    await page.keyboard.press('End');
    const afterEnd = await shown();
    assert.deepEqual(await indexes(), [`frame ${STEPS} of ${STEPS}`, `frame ${STEPS} of ${STEPS}`]);
    assert.notEqual(afterEnd[0], before[0]);
    assert.notEqual(afterEnd[1], before[1]);

    // One scrubber step per frame: the arrow keys move one frame in both runs.
    assert.equal(await scrubber.getAttribute('max'), String(STEPS - 1));
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await indexes(), [
      `frame ${STEPS - 1} of ${STEPS}`,
      `frame ${STEPS - 1} of ${STEPS}`,
    ]);
    const middle = Math.round(0.5 * (STEPS - 1));
    await scrubber.fill(String(middle));
    assert.deepEqual(await indexes(), [
      `frame ${middle + 1} of ${STEPS}`,
      `frame ${middle + 1} of ${STEPS}`,
    ]);

    const differing = await page.locator('tr[data-differs="true"] th').allTextContents();
    assert.ok(differing.includes('Seed'), `seed differs: ${differing.join(', ')}`);
    assert.ok(!differing.includes('Steps'), 'steps are the same');
    // Frame.change of every frame after the first: STEPS - 1 points per run.
    const lines = page
      .getByRole('img', { name: 'Frame-to-frame change per run' })
      .locator('polyline');
    assert.equal(await lines.count(), 2);
    for (const points of await lines.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('points') ?? ''),
    ))
      assert.equal(points.trim().split(/\s+/).length, STEPS - 1);
    await screenshot(page, 'compare');
  });

  test('shows a validation error from the API next to its field', async () => {
    await page.goto('/runs/new');
    // A failed upload names its file once, and its message goes once the keyframes change.
    await page.locator('input[type="file"]').setInputFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('these are notes, not an image'),
    });
    const uploadError = page.getByTestId('upload-error');
    await uploadError.waitFor();
    const uploadMessage = (await uploadError.textContent()) ?? '';
    assert.equal(uploadMessage.split('notes.png').length - 1, 1, `named once: ${uploadMessage}`);
    await page.getByText(/Pick from the library/).click();
    await page.getByRole('button', { name: 'Add astronaut.png' }).click();
    await uploadError.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Add chelsea.png' }).click();
    await page.getByLabel('Steps (frames)').fill('1');
    await page.getByRole('button', { name: 'Start run' }).click();

    const steps = page.getByLabel('Steps (frames)');
    await page.locator('input[aria-invalid="true"]').first().waitFor();
    assert.equal(await steps.getAttribute('aria-invalid'), 'true');
    const messageId = await steps.getAttribute('aria-describedby');
    const message = (await page.locator(`[id="${messageId}"]`).textContent()) ?? '';
    assert.match(message, /steps/i);
    assert.doesNotMatch(message, /[{}]/, 'a readable message, not JSON');
    assert.match(page.url(), /\/runs\/new$/, 'no run was started');
    await screenshot(page, 'new-run-validation');

    await page.getByLabel('Steps (frames)').fill('abc');
    await page.getByRole('button', { name: 'Start run' }).click();
    assert.equal(
      await page.locator(`[id="${messageId}"]`).textContent(),
      'Steps must be a whole number.',
    );
  });

  test('creates, edits and deletes a noise preset', async () => {
    await page.goto('/presets');
    await page.getByRole('table', { name: 'Noise presets' }).getByRole('row').nth(1).waitFor();
    const form = page.getByRole('form', { name: 'New preset' });
    await form.getByLabel('Name', { exact: true }).fill('gentle bell');
    await form.getByLabel('Level', { exact: true }).fill('0.3');
    await form.getByLabel('Schedule', { exact: true }).selectOption('BELL');
    await form.getByRole('button', { name: 'Create preset' }).click();
    const row = page.getByRole('row', { name: /gentle bell/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit gentle bell' }).click();
    await page
      .getByRole('form', { name: 'Edit preset gentle bell' })
      .getByLabel('Level', { exact: true })
      .fill('0.4');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await row.getByRole('cell', { name: '0.4', exact: true }).waitFor();
    await screenshot(page, 'presets');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete gentle bell' }).click();
    await row.waitFor({ state: 'detached' });
  });

  test('lists the image library with the runs that use each image', async () => {
    await page.goto('/images');
    const cards = page.getByTestId('image-card');
    await cards.nth(1).waitFor();
    assert.equal(await cards.count(), 2);
    await cards.first().getByText('Used by 2 runs').waitFor();
    const astronaut = cards.filter({ hasText: 'astronaut.png' });
    await astronaut.getByRole('button', { name: 'Delete astronaut.png' }).click();
    const refusal = (await astronaut.getByRole('alert').textContent()) ?? '';
    assert.match(refusal, /run/i, 'the refusal says runs use the image');
    assert.match(refusal, /astronaut\.png/, 'the refusal names the file');
    const { images } = await gqlOk<{ images: { nodes: { id: string }[] } }>(
      server.url,
      '{ images(first: 10) { nodes { id } } }',
    );
    for (const { id } of images.nodes) assert.ok(!refusal.includes(id), 'no database id');
    assert.doesNotMatch(refusal, /[{}]|\[GraphQL\]/, 'a readable message, not JSON');
    await screenshot(page, 'images');

    // An unused image: deleting it asks first, like deleting a run.
    await page.locator('input[type="file"]').setInputFiles(PHOTOS.coffee);
    const coffee = cards.filter({ hasText: 'coffee.png' });
    await coffee.getByText('Used by 0 runs').waitFor();
    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await coffee.getByRole('button', { name: 'Delete coffee.png' }).click();
    assert.equal(dialogs.length, 1);
    assert.match(dialogs[0]!, /coffee\.png/);
    assert.equal(await cards.count(), 3, 'dismissed: the image stays');
    page.once('dialog', (dialog) => void dialog.accept());
    await coffee.getByRole('button', { name: 'Delete coffee.png' }).click();
    await coffee.waitFor({ state: 'detached' });
    assert.equal(await cards.count(), 2);
  });

  test('the history updates live, and a running run can be canceled from its view', async () => {
    await page.goto('/');
    const history = page.getByRole('list', { name: 'Run history' }).getByRole('listitem');
    await history.nth(1).waitFor();
    const { images } = await gqlOk<{ images: { nodes: { id: string }[] } }>(
      server.url,
      '{ images(first: 2) { nodes { id } } }',
    );
    const { createRun } = await gqlOk<{ createRun: { id: string } }>(server.url, CREATE_RUN, {
      input: {
        name: 'long live run',
        model: 'taef2',
        imageIds: images.nodes.map((i) => i.id),
        steps: 400,
        width: 128,
        height: 128,
      },
    });
    const row = page.locator(`[data-run-id="${createRun.id}"]`);
    await row.waitFor();
    await row.locator('.status-RUNNING').waitFor({ timeout: 60_000 });
    assert.equal(await history.count(), 3, 'the new run joined the list without a reload');
    // Thumbnails fill in while the run is in progress, not only once it ends.
    await row.locator('.run-thumbs img').first().waitFor();
    assert.equal(await row.locator('.status-RUNNING').count(), 1, 'still running');

    await row.getByRole('link', { name: 'long live run' }).click();
    await page.getByTestId('frames-done').waitFor();
    // The ETA comes from the measured decode times of the frames shown, leaving out the first
    // frame (which pays for loading the model): read both from one snapshot of the page.
    await page.waitForFunction(
      `document.querySelector('[data-testid="eta"][data-remaining-ms]') !== null`,
    );
    const eta = (await page.evaluate(`(() => {
      const rows = [...document.querySelectorAll('tr[data-frame-index]')];
      return {
        remaining: Number(document.querySelector('[data-testid="eta"]').dataset.remainingMs),
        frames: rows.map((row) => ({ index: Number(row.dataset.frameIndex), decodeMs: Number(row.dataset.decodeMs) })),
      };
    })()`)) as { remaining: number; frames: { index: number; decodeMs: number }[] };
    const measured = eta.frames.filter((f) => f.index !== 0);
    const pace = measured.reduce((sum, f) => sum + f.decodeMs, 0) / measured.length;
    assert.ok(measured.length >= 1);
    assert.ok(
      Math.abs(eta.remaining - pace * (400 - eta.frames.length)) < 1e-6 * eta.remaining + 1e-6,
      `ETA ${eta.remaining} ms from ${JSON.stringify(eta.frames.slice(0, 5))}`,
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await waitForFinalStatus(), 'canceled');
    assert.ok(Number(await page.getByTestId('frames-done').textContent()) < 400);
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await row.locator('.status-CANCELED').waitFor();
  });

  test('tags a run, finds it with the tag filter, and deletes it', async () => {
    await page.getByRole('link', { name: 'long live run' }).click();
    await page.getByLabel('Add tags').fill('stopped early');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove tag stopped early' }).waitFor();

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    const history = page.getByRole('list', { name: 'Run history' }).getByRole('listitem');
    await history.nth(2).waitFor();
    await page.getByLabel('Tag', { exact: true }).fill('stopped early');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('1 run', { exact: true }).waitFor();
    assert.deepEqual(await history.locator('a.title').allTextContents(), ['long live run']);

    await history.getByRole('link', { name: 'long live run' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByText('2 runs', { exact: true }).waitFor();
  });

  test('every control on every page has an accessible name, and the keyboard reaches them', async () => {
    const pages = [
      '/',
      '/runs/new',
      `/runs/${runIds[0]}`,
      `/compare?runs=${runIds.join(',')}`,
      '/presets',
      '/images',
      '/members',
      '/tokens',
      '/workspaces/new',
    ];
    for (const path of pages) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      assert.deepEqual(await unnamedControls(page), [], `unnamed controls on ${path}`);
    }
    await page.goto('/');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#main');
  });

  test('is usable at phone width without horizontal scrolling', async () => {
    const phone = await newSignedInContext(browser, server.url, testServer.owner.token, {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const small = await phone.newPage();
      for (const [path, name] of [
        ['/', 'runs'],
        [`/runs/${runIds[0]}`, 'run-view'],
        ['/runs/new', 'new-run'],
        [`/compare?runs=${runIds.join(',')}`, 'compare'],
        [`/compare?runs=${runIds.join(',')}&view=wipe`, 'compare-wipe'],
        ['/presets', 'presets'],
        ['/images', 'images'],
        ['/members', 'members'],
        ['/tokens', 'tokens'],
      ] as const) {
        await small.goto(path);
        await small.locator('main h1').first().waitFor();
        await small.waitForLoadState('networkidle');
        if (name === 'new-run') {
          // Keyframe names wrap between their parts (after a space, _ or -, before a dot), never
          // inside a word, even when the whole name is wider than its card.
          await small.getByText(/Pick from the library/).click();
          await small.getByRole('button', { name: 'Add astronaut.png' }).click();
          await small.locator('input[type="file"]').setInputFiles({
            name: 'rocket_launch_from_the_kennedy_space_center.jpg',
            mimeType: 'image/jpeg',
            buffer: await readFile(PHOTOS.rocket),
          });
          await small.getByTestId('keyframe').nth(1).waitFor();
          const names =
            (await small.evaluate(`[...document.querySelectorAll('[data-testid="keyframe-name"]')].map((element) => {
            const text = element.textContent;
            const tops = [];
            const range = document.createRange();
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (let i = 0; i < node.textContent.length; i++) {
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                tops.push(Math.round(range.getBoundingClientRect().top));
              }
            }
            const bad = [];
            for (let i = 1; i < text.length; i++) {
              const wrapped = tops[i] > tops[i - 1] + 2;
              const allowed = ' _-'.includes(text[i - 1]) || text[i] === '.';
              if (wrapped && !allowed) bad.push(text.slice(0, i) + '|' + text.slice(i));
            }
            return { text, bad, lines: new Set(tops).size };
          })`)) as { text: string; bad: string[]; lines: number }[];
          assert.deepEqual(
            names.flatMap((n) => n.bad),
            [],
            'file names break only between their parts',
          );
          assert.ok(names[1]!.lines >= 2, `the long name wraps: ${JSON.stringify(names)}`);
        }
        if (name === 'presets') {
          const edit = small.getByRole('button', { name: /^Edit / }).first();
          const box = await edit.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, 'Edit is on screen');
          const remove = await small
            .getByRole('button', { name: /^Delete / })
            .first()
            .boundingBox();
          assert.ok(remove && remove.x + remove.width <= PHONE.width, 'Delete is on screen');
        }
        const overflow = (await small.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        )) as number;
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${PHONE.width}px`);
        await screenshot(small, `phone-${name}`);
      }
    } finally {
      await phone.close();
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  });
});

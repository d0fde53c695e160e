// The Runs page in the server's HTML (issue 17): a signed-in visitor gets the session and the first
// page of runs without waiting for the dashboard's scripts to fetch them. With JavaScript off, the
// page can only show what the server rendered; with it on, the page hydrates and stays live.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { CREATE_RUN, gqlOk, joinWorkspace, uploadPhoto, PHOTOS } from '../helpers/api.ts';
import { closeDashboard, DESKTOP, newSignedInContext, openDashboard } from './browser.ts';

// No worker: the runs stay queued, which is all a list needs.
const dashboard = await openDashboard({ name: 'e2efirstpaint', workerInProcess: false });
const { testServer, server, browser, page, pageErrors } = dashboard;

const WORKSPACE_COOKIE = 'latent_lab_workspace';

async function createRunIn(name: string, imageIds: string[], workspaceId?: string): Promise<void> {
  await gqlOk(
    server.url,
    CREATE_RUN,
    { input: { name, model: 'taef2', imageIds, steps: 2, width: 64, height: 64 } },
    workspaceId ? { workspaceId } : {},
  );
}

/** A page with JavaScript off, signed in with `token`, the workspace cookie set when given. */
async function noScriptPage(token: string, workspaceId?: string) {
  const context = await newSignedInContext(browser, server.url, token, {
    viewport: DESKTOP,
    javaScriptEnabled: false,
  });
  if (workspaceId)
    await context.addCookies([
      { name: WORKSPACE_COOKIE, value: workspaceId, url: server.url, sameSite: 'Lax' },
    ]);
  return { context, noScript: await context.newPage() };
}

/**
 * The names of the rows the page shows now. Visible rows only: rows streamed after the shell wait
 * in a hidden segment that only the page's scripts reveal.
 */
async function rowNames(target = page): Promise<string[]> {
  return target
    .locator('li.run-row:visible')
    .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').trim()));
}

describe('the Runs page rendered on the server', () => {
  let otherWorkspaceId = '';

  before(async () => {
    const firstImages = [
      (await uploadPhoto(server.url, PHOTOS.astronaut)).id,
      (await uploadPhoto(server.url, PHOTOS.chelsea)).id,
    ];
    await createRunIn('server rendered alpha', firstImages);
    await createRunIn('server rendered beta', firstImages);
    const { createWorkspace } = await gqlOk<{ createWorkspace: { id: string } }>(
      server.url,
      `mutation { createWorkspace(name: "Second lab") { id } }`,
    );
    otherWorkspaceId = createWorkspace.id;
    const as = { workspaceId: otherWorkspaceId };
    const otherImages = [
      (await uploadPhoto(server.url, PHOTOS.astronaut, as)).id,
      (await uploadPhoto(server.url, PHOTOS.chelsea, as)).id,
    ];
    await createRunIn('second lab gamma', otherImages, otherWorkspaceId);
  });

  after(() => closeDashboard(dashboard));

  test('without JavaScript, the first HTML already lists the runs of the first workspace', async () => {
    const { context, noScript } = await noScriptPage(testServer.owner.token);
    try {
      await noScript.goto('/');
      const names = await rowNames(noScript);
      assert.equal(names.length, 2, `rows in the HTML: ${JSON.stringify(names)}`);
      assert.ok(names.some((name) => name.includes('server rendered alpha')));
      assert.ok(names.some((name) => name.includes('server rendered beta')));
      assert.equal(await noScript.getByText('Loading…', { exact: true }).count(), 0);
      // The URL's filters apply on the server too.
      await noScript.goto('/?q=beta');
      const filtered = await rowNames(noScript);
      assert.equal(filtered.length, 1);
      assert.ok(filtered[0]?.includes('server rendered beta'));
    } finally {
      await context.close();
    }
  });

  test('without JavaScript, the workspace chosen in the browser (its cookie) is the one rendered', async () => {
    const { context, noScript } = await noScriptPage(testServer.owner.token, otherWorkspaceId);
    try {
      await noScript.goto('/');
      const names = await rowNames(noScript);
      assert.equal(names.length, 1, `rows in the HTML: ${JSON.stringify(names)}`);
      assert.ok(names[0]?.includes('second lab gamma'));
    } finally {
      await context.close();
    }
  });

  test('a member removed from the workspace their cookie names gets none of its runs in the HTML', async () => {
    const member = await joinWorkspace(server.url, otherWorkspaceId, 'MEMBER');
    const { context, noScript } = await noScriptPage(member.token, otherWorkspaceId);
    try {
      await noScript.goto('/');
      assert.ok((await rowNames(noScript)).some((name) => name.includes('second lab gamma')));
      await gqlOk(
        server.url,
        'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }',
        { w: otherWorkspaceId, u: member.user.id },
      );
      // Same session, same cookie: the server's fetch goes through the API, which asks again.
      await noScript.goto('/');
      assert.deepEqual(await rowNames(noScript), []);
      assert.ok(!(await noScript.content()).includes('second lab gamma'));
    } finally {
      await context.close();
    }
  });

  test('an API that cannot answer does not hold the page: the HTML comes without rows, then the browser fetches them', async () => {
    const admin = new pg.Client({ connectionString: testServer.database.url });
    await admin.connect();
    let locked = false;
    try {
      // Every read of runs waits for this lock, the query for the first HTML's rows included.
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE "Run" IN ACCESS EXCLUSIVE MODE');
      locked = true;
      // The server gives up on the rows after SERVER_FETCH_TIMEOUT_MS (10 s); this bounds the wait.
      const response = await page.goto('/', { timeout: 60_000 });
      assert.equal(response?.status(), 200);
      assert.deepEqual(await rowNames(), [], 'no rows while the lock is held');
      await admin.query('ROLLBACK');
      locked = false;
      await page.locator('li.run-row', { hasText: 'server rendered alpha' }).waitFor();
      assert.deepEqual(pageErrors, []);
    } finally {
      if (locked) await admin.query('ROLLBACK');
      await admin.end();
    }
  });

  test('with JavaScript, the page hydrates the same rows, and a switch writes the cookie', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto('/');
    await page.locator('li.run-row', { hasText: 'server rendered alpha' }).waitFor();
    assert.equal((await rowNames()).length, 2);
    // Rendered once on the server and once in the browser, the two must agree.
    assert.deepEqual(
      consoleErrors.filter((text) => /hydrat/i.test(text)),
      [],
    );
    // The switch is remembered where the server reads it: a reload renders the other workspace.
    await page.getByTestId('workspace-switcher').selectOption(otherWorkspaceId);
    await page.locator('li.run-row', { hasText: 'second lab gamma' }).waitFor();
    const cookies = await page.context().cookies(server.url);
    assert.equal(cookies.find((c) => c.name === WORKSPACE_COOKIE)?.value, otherWorkspaceId);
    await page.reload();
    await page.locator('li.run-row', { hasText: 'second lab gamma' }).waitFor();
    assert.equal((await rowNames()).length, 1);
    assert.deepEqual(pageErrors, []);
  });
});

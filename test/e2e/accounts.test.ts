// Accounts in Chromium against the real server: a fresh installation's owner page, sign-out and
// sign-in (and UNAUTHENTICATED sending a visitor to sign-in), the workspace switcher (HTTP and
// the live WebSocket follow it), members with an invitation link accepted in a second browser,
// the last owner refused, API tokens with the secret shown once, "created by" and its filter, and
// a viewer who sees no create, delete or tag controls.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { CREATE_RUN, gql, gqlOk, OWNER, PHOTOS, uploadBytes, type As } from '../helpers/api.ts';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  closeDashboard,
  DESKTOP,
  waitForHistory,
  openDashboard,
  screenshot,
  SESSION_COOKIE,
  unnamedControls,
} from './browser.ts';

const VIEWER = { name: 'Vera Viewer', email: 'vera@example.com', password: 'viewer password 1' };
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { token user { id } } }`;

// A fresh installation: nobody signed up, the page signed in as nobody.
const dashboard = await openDashboard({ name: 'e2eaccounts', signUpOwner: false });
const { server, browser, context, page, pageErrors } = dashboard;

describe('accounts in Chromium', () => {
  let viewerContext: BrowserContext | undefined;
  let viewerPage: Page;
  /** The owner's bearer token (a session from the API) and first workspace. */
  let ownerAs: As = {};
  let firstWorkspace = '';
  let runId = '';

  after(() => closeDashboard(dashboard));

  async function upload(path: string, as: As): Promise<string> {
    const result = await uploadBytes(
      server.url,
      await readFile(path),
      basename(path),
      'image/png',
      {
        'Apollo-Require-Preflight': 'true',
        authorization: `Bearer ${as.token}`,
        ...(as.workspaceId ? { 'x-workspace-id': as.workspaceId } : {}),
      },
    );
    const id = result.data?.uploadImage?.image?.id as string | undefined;
    if (!id) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
    return id;
  }

  test('a fresh installation asks for the owner account on the first visit', async () => {
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/setup');
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    const form = page.getByRole('form', { name: 'Owner account' });
    await form.waitFor();
    assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on /setup');
    await screenshot(page, 'setup-owner');

    // The API's rules show next to their field.
    await form.getByLabel('Name').fill(OWNER.name);
    await form.getByLabel('Email').fill(OWNER.email);
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Create the owner account' }).click();
    const password = form.getByLabel('Password');
    await form.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    assert.match(
      (await page
        .locator(`[id="${await password.getAttribute('aria-describedby')}"]`)
        .textContent()) ?? '',
      /at least 10 characters/,
    );

    await password.fill(OWNER.password);
    await form.getByRole('button', { name: 'Create the owner account' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { name: 'Runs', exact: true }).waitFor();
    assert.equal(await page.getByTestId('signed-in-as').textContent(), OWNER.name);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    assert.ok(session?.httpOnly, 'the session is an HTTP-only cookie');

    const signIn = await gqlOk(
      server.url,
      SIGN_IN,
      { input: { email: OWNER.email, password: OWNER.password } },
      { token: null },
    );
    const { me } = await gqlOk(server.url, '{ me { workspaces { id name role } } }', undefined, {
      token: signIn.signIn.token,
    });
    firstWorkspace = me.workspaces[0].id;
    ownerAs = { token: signIn.signIn.token, workspaceId: firstWorkspace };
    assert.equal(me.workspaces[0].role, 'OWNER');
  });

  test('signs out; a signed-out visit goes to sign-in and returns after it', async () => {
    // Another tab of the same session, with the history's live WebSocket open.
    const other = await context.newPage();
    other.on('pageerror', (error) => pageErrors.push(error.message));
    await other.goto('/presets');
    await other.getByRole('heading', { name: 'Noise presets' }).waitFor();
    await other.goto('/');
    await other.getByTestId('first-steps').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    // The server closes the session's sockets (4401): the other tab goes to sign-in by itself.
    await other.waitForURL((url) => url.pathname === '/sign-in');
    await other.close();
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.waitFor();
    // first-user: no sign-up form for strangers.
    assert.equal(await page.getByRole('form', { name: 'Create an account' }).count(), 0);
    await screenshot(page, 'sign-in');

    // Any page, signed out: UNAUTHENTICATED sends the visitor to sign-in, then back.
    await page.goto('/images');
    await page.waitForURL((url) => url.pathname === '/sign-in');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/images');
    // The owner exists: the owner page sends to sign-in too.
    await page.goto('/setup');
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.goto('/sign-in?next=%2Fimages');

    await form.getByLabel('Email').fill(OWNER.email);
    await form.getByLabel('Password').fill('not the password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /email or password is wrong/);
    assert.equal(new URL(page.url()).pathname, '/sign-in');

    await form.getByLabel('Password').fill(OWNER.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/images');
    await page.getByRole('heading', { name: 'Images' }).waitFor();
  });

  test('the workspace switcher changes what every page shows, HTTP and live updates alike', async () => {
    const imageIds = [
      await upload(PHOTOS.astronaut, ownerAs),
      await upload(PHOTOS.chelsea, ownerAs),
    ];
    await page.goto('/');
    const switcher = page.getByTestId('workspace-switcher');
    await switcher.waitFor();
    const list = page.getByRole('list', { name: 'Run history' });
    await page.getByTestId('first-steps').waitFor();
    // A run started elsewhere joins the history live (runUpdates on the WebSocket of this workspace).
    const { createRun } = await gqlOk(
      server.url,
      CREATE_RUN,
      {
        input: { name: 'owner run', model: 'taef2', imageIds, steps: 3, width: 64, height: 64 },
      },
      ownerAs,
    );
    runId = createRun.id;
    await list.locator(`[data-run-id="${runId}"]`).waitFor();
    assert.equal(
      await list.locator(`[data-run-id="${runId}"]`).getByTestId('created-by').textContent(),
      `by ${OWNER.name} (you)`,
    );

    await page.getByRole('link', { name: 'New workspace' }).click();
    await page.waitForURL((url) => url.pathname === '/workspaces/new');
    await page.getByLabel('Workspace name').fill('Second team');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('first-steps').waitFor();
    assert.match(
      await switcher.locator('option:checked').textContent().then(String),
      /Second team/,
    );
    const second = await switcher.inputValue();
    assert.notEqual(second, firstWorkspace);
    await page.goto('/images');
    await page.getByText('0 images').waitFor();

    // Kept across reloads (localStorage), sent as X-Workspace-Id.
    await page.reload();
    await page.getByText('0 images').waitFor();
    assert.equal(await switcher.inputValue(), second);

    await switcher.selectOption(firstWorkspace);
    await page.getByText('2 images').waitFor();
    await page.goto('/');
    await list.locator(`[data-run-id="${runId}"]`).waitFor();
    await screenshot(page, 'workspace-switcher');
    // The WebSocket follows the switch: a run in the first workspace arrives live here.
    const { createRun: another } = await gqlOk(
      server.url,
      CREATE_RUN,
      {
        input: { name: 'second run', model: 'taef2', imageIds, steps: 3, width: 64, height: 64 },
      },
      ownerAs,
    );
    await list.locator(`[data-run-id="${another.id}"]`).waitFor();
  });

  test('members: an invitation link is accepted in a second browser; the last owner stays', async () => {
    await page.goto('/members');
    const table = page.getByRole('table', { name: 'Members' });
    await table.locator(`tr[data-member="${OWNER.email}"]`).waitFor();
    const invite = page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Role').selectOption('VIEWER');
    await invite.getByRole('button', { name: 'Create invitation link' }).click();
    const url = await page.getByTestId('invitation-url').inputValue();
    assert.match(url, new RegExp(`^${server.url}/invite/\\S+$`));
    assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on /members');
    await screenshot(page, 'members-invitation');

    // The link waits in the pending list until used; a second one is revoked there.
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    const rows = pending.locator('tr[data-invitation]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    await invite.getByLabel('Role').selectOption('MEMBER');
    await invite.getByRole('button', { name: 'Create invitation link' }).click();
    await rows.nth(1).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await rows.first().getByRole('button', { name: 'Revoke' }).click();
    await rows.nth(1).waitFor({ state: 'detached' });
    assert.equal(await rows.first().locator('td').first().textContent(), 'Viewer');

    viewerContext = await browser.newContext({ viewport: DESKTOP, baseURL: server.url });
    viewerPage = await viewerContext.newPage();
    viewerPage.setDefaultTimeout(20_000);
    viewerPage.on('pageerror', (error) => pageErrors.push(error.message));
    await viewerPage.goto(url);
    await viewerPage.getByRole('heading', { name: 'Join a workspace' }).waitFor();
    const signUp = viewerPage.getByRole('form', { name: 'Create an account' });
    await signUp.getByLabel('Name').fill(VIEWER.name);
    await signUp.getByLabel('Email').fill(VIEWER.email);
    await signUp.getByLabel('Password').fill(VIEWER.password);
    await screenshot(viewerPage, 'invitation-accept');
    await signUp.getByRole('button', { name: 'Create account and join' }).click();
    await viewerPage.waitForURL((u) => u.pathname === '/');
    await viewerPage.getByRole('heading', { name: 'Runs', exact: true }).waitFor();
    await viewerPage.locator(`[data-run-id="${runId}"]`).waitFor();

    // The link was single-use: opened again it says so, with no form to fill.
    const reuse = await browser.newContext({ baseURL: server.url });
    try {
      const again = await reuse.newPage();
      await again.goto(url);
      await again.getByText(/no longer valid: it was used, revoked or has expired/).waitFor();
      assert.equal(await again.getByRole('form', { name: 'Create an account' }).count(), 0);
    } finally {
      await reuse.close();
    }

    await page.reload();
    const veraRow = table.locator(`tr[data-member="${VIEWER.email}"]`);
    await veraRow.waitFor();
    assert.equal(await veraRow.getByLabel(`Role of ${VIEWER.name}`).inputValue(), 'VIEWER');

    // The last owner can neither be demoted nor leave: the API's refusal is shown.
    await table.getByLabel(`Role of ${OWNER.name}`).selectOption('ADMIN');
    await page
      .getByRole('alert')
      .filter({ hasText: /at least one owner/ })
      .waitFor();
    assert.equal(await table.getByLabel(`Role of ${OWNER.name}`).inputValue(), 'OWNER');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Leave workspace' }).click();
    await page.getByRole('alert').filter({ hasText: /owner/ }).first().waitFor();
    assert.equal(new URL(page.url()).pathname, '/members');

    // Someone with an account joins another workspace through "Sign in and join".
    const second = (
      await gqlOk(server.url, '{ me { workspaces { id name } } }', undefined, ownerAs)
    ).me.workspaces.find((w: { name: string }) => w.name === 'Second team').id as string;
    const { inviteMember: toSecond } = await gqlOk(
      server.url,
      `mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { url } }`,
      { w: second },
      ownerAs,
    );
    const joining = await browser.newContext({ viewport: DESKTOP, baseURL: server.url });
    try {
      const join = await joining.newPage();
      join.on('pageerror', (error) => pageErrors.push(error.message));
      await join.goto(new URL(toSecond.url).pathname);
      const signIn = join.getByRole('form', { name: 'Sign in' });
      await signIn.getByLabel('Email').fill(VIEWER.email);
      await signIn.getByLabel('Password').fill(VIEWER.password);
      await signIn.getByRole('button', { name: 'Sign in and join' }).click();
      await join.waitForURL((u) => u.pathname === '/');
      const switcher = join.getByTestId('workspace-switcher');
      await switcher.waitFor();
      assert.equal(await switcher.inputValue(), second, 'the joined workspace is the current one');
      assert.deepEqual(
        await switcher
          .locator('option')
          .evaluateAll((options) => options.map((o) => o.textContent)),
        [`${OWNER.name}'s workspace (viewer)`, 'Second team (member)'],
      );
    } finally {
      await joining.close();
    }

    // A role change and a removal, on a member invited through the API.
    const { inviteMember } = await gqlOk(
      server.url,
      `mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { token } }`,
      { w: firstWorkspace },
      ownerAs,
    );
    await gqlOk(
      server.url,
      `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`,
      {
        input: {
          name: 'Max Member',
          email: 'max@example.com',
          password: 'member password',
          invitationToken: inviteMember.token,
        },
      },
      { token: null },
    );
    await page.reload();
    const maxRow = table.locator('tr[data-member="max@example.com"]');
    // The reload waits for the role change's answer: reloading first could cancel the request.
    const saved = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        (response.request().postData() ?? '').includes('mutation UpdateMemberRole'),
    );
    await maxRow.getByLabel('Role of Max Member').selectOption('ADMIN');
    assert.equal((await saved).ok(), true);
    await page.reload();
    assert.equal(await maxRow.getByLabel('Role of Max Member').inputValue(), 'ADMIN');
    page.once('dialog', (dialog) => void dialog.accept());
    await maxRow.getByRole('button', { name: 'Remove Max Member' }).click();
    await maxRow.waitFor({ state: 'detached' });
  });

  test('API tokens: created with a role up to yours, the secret shown once, then revoked', async () => {
    await page.goto('/tokens');
    const form = page.getByRole('form', { name: 'New token' });
    await form.getByLabel('Token role').waitFor();
    await form.getByLabel('Token name').fill('ci');
    const roles = await form
      .getByLabel('Token role')
      .locator('option')
      .evaluateAll((options) => options.map((o) => o.getAttribute('value')));
    assert.deepEqual(roles, ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER']);
    await form.getByLabel('Token role').selectOption('VIEWER');
    await form.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('token-secret').inputValue();
    assert.match(secret, /^llt_/);
    await page.getByRole('button', { name: 'Copy token' }).waitFor();
    await screenshot(page, 'tokens-secret');

    // The secret works, as a viewer of this workspace.
    const asToken = { token: secret };
    const { me } = await gqlOk(server.url, '{ me { email } }', undefined, asToken);
    assert.equal(me.email, OWNER.email);
    const write = await gql(
      server.url,
      `mutation { createNoisePreset(input: { name: "x", level: 0.1 }) { id } }`,
      undefined,
      asToken,
    );
    assert.equal(write.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('token-secret').waitFor({ state: 'detached' });
    await page.reload();
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /ci/ });
    await row.waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is never shown again');
    assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on /tokens');
    await screenshot(page, 'tokens');

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke ci' }).click();
    await row.waitFor({ state: 'detached' });
    const revoked = await gql(server.url, '{ me { email } }', undefined, asToken);
    assert.equal(revoked.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  test('"created by" in the history, the run view and compare, and a filter by creator', async () => {
    await page.goto(`/runs/${runId}`);
    await page.getByRole('heading', { name: 'owner run' }).waitFor();
    assert.equal(
      await page.locator('dl.params').getByTestId('created-by').textContent(),
      `${OWNER.name} (you)`,
    );
    await page.goto('/');
    const list = page.getByRole('list', { name: 'Run history' });
    await list.getByRole('listitem').nth(1).waitFor();
    await page.getByLabel('Created by').selectOption('me');
    await waitForHistory(page, 'by=me');
    assert.equal(await list.getByRole('listitem').count(), 2);
    await screenshot(page, 'runs-created-by-me');

    // The viewer created nothing: "me" shows no runs for them.
    await viewerPage.goto('/?by=me');
    await waitForHistory(viewerPage, 'by=me', { empty: true });
    await viewerPage.getByText('No runs match these filters.').waitFor();

    const ids = await list
      .getByRole('listitem')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
    await page.goto(`/compare?runs=${ids.join(',')}`);
    const createdBy = page.locator('tr', {
      has: page.getByRole('rowheader', { name: 'Created by', exact: true }),
    });
    await createdBy.waitFor();
    assert.deepEqual(await createdBy.locator('td').allTextContents(), [OWNER.name, OWNER.name]);
  });

  test('a viewer sees no create, delete or tag controls', async () => {
    const p = viewerPage;
    await p.goto('/');
    const list = p.getByRole('list', { name: 'Run history' });
    await list.locator(`[data-run-id="${runId}"]`).waitFor();
    const nav = p.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Runs' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'New run' }).count(), 0);
    assert.equal(await p.getByRole('link', { name: 'New run' }).count(), 0);
    assert.match(
      await p
        .getByTestId('workspace-switcher')
        .locator('option:checked')
        .textContent()
        .then(String),
      /\(viewer\)/,
    );
    // Selecting runs still compares them, but offers no tagging or deleting.
    await list.locator(`[data-run-id="${runId}"] input[type="checkbox"]`).check();
    const bar = p.getByRole('region', { name: 'Selected runs' });
    await bar.getByText('1 selected').waitFor();
    assert.equal(await bar.getByRole('button', { name: 'Tag selected' }).count(), 0);
    assert.equal(await bar.getByRole('button', { name: 'Delete selected' }).count(), 0);
    await screenshot(p, 'viewer-runs');

    await p.goto(`/runs/${runId}`);
    await p.getByRole('heading', { name: 'owner run' }).waitFor();
    for (const name of ['Delete', 'Cancel', 'Rerun with new seed'])
      assert.equal(await p.getByRole('button', { name }).count(), 0, `no ${name} button`);
    assert.equal(await p.getByLabel('Add tags').count(), 0, 'no tag editor');
    await screenshot(p, 'viewer-run-view');

    await p.goto('/images');
    await p.getByTestId('image-card').nth(1).waitFor();
    assert.equal(await p.locator('input[type="file"]').count(), 0, 'no upload');
    assert.equal(await p.getByRole('button', { name: /^Delete / }).count(), 0);

    await p.goto('/presets');
    await p.getByRole('table', { name: 'Noise presets' }).getByRole('row').nth(1).waitFor();
    assert.equal(await p.getByRole('form', { name: 'New preset' }).count(), 0);
    assert.equal(await p.getByRole('button', { name: /^(Edit|Delete) / }).count(), 0);

    await p.goto('/runs/new');
    await p.getByTestId('read-only-notice').waitFor();
    assert.equal(await p.getByRole('button', { name: 'Start run' }).count(), 0);

    await p.goto('/members');
    await p.getByRole('table', { name: 'Members' }).locator('tr[data-member]').nth(1).waitFor();
    assert.equal(await p.getByRole('form', { name: 'Invite someone' }).count(), 0);
    assert.equal(await p.getByRole('combobox', { name: /^Role of / }).count(), 0);
    assert.equal(await p.getByRole('button', { name: /^Remove / }).count(), 0);
    await screenshot(p, 'viewer-members');

    await p.goto('/tokens');
    await p.getByLabel('Token role').waitFor();
    const roles = await p
      .getByLabel('Token role')
      .locator('option')
      .evaluateAll((options) => options.map((o) => o.getAttribute('value')));
    assert.deepEqual(roles, ['VIEWER'], 'a token role is at most yours');
    await viewerContext?.close();
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  });
});

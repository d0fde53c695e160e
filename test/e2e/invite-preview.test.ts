// An invitation link in Chromium names who invites you, where and as what before the sign-up form;
// once used (or revoked, or refused on submit) it says so in words, with no form. The public
// invitation query behind it answers null alike for used, revoked and unknown tokens, and the
// role it shows is the one accepting would grant now (capped by the inviter's current role).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { gql, gqlOk, joinWorkspace, OWNER, PASSWORD, signUp } from '../helpers/api.ts';
import { closeDashboard, DESKTOP, openDashboard, screenshot } from './browser.ts';

const GONE =
  'This invitation link is no longer valid: it was used, revoked or has expired. Ask for a new one.';
const PREVIEW = 'query ($t: String!) { invitation(token: $t) { workspaceName inviterName role } }';
const INVITE =
  'mutation ($w: ID!, $r: Role!) { inviteMember(workspaceId: $w, role: $r) { id token url } }';

const dashboard = await openDashboard({ name: 'e2einvitepreview' });
const { server, browser, pageErrors } = dashboard;

describe('invitation preview', () => {
  let workspace = '';
  const contexts: BrowserContext[] = [];

  before(async () => {
    workspace = (await gqlOk(server.url, '{ me { workspaces { id } } }')).me.workspaces[0].id;
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await closeDashboard(dashboard);
  });

  async function invite(
    role: string,
    as = {},
  ): Promise<{ id: string; token: string; url: string }> {
    return (await gqlOk(server.url, INVITE, { w: workspace, r: role }, as)).inviteMember;
  }

  /** What a visitor without an account sees: the query asked with no credentials. */
  async function preview(token: string) {
    return (await gqlOk(server.url, PREVIEW, { t: token }, { token: null })).invitation;
  }

  /** A fresh browser with no session opens the link. */
  async function open(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(new URL(url).pathname);
    return page;
  }

  async function assertGone(page: Page): Promise<void> {
    await page.getByTestId('invitation-gone').filter({ hasText: GONE }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Create an account' }).count(), 0);
    assert.equal(await page.getByRole('form', { name: 'Sign in' }).count(), 0);
    assert.equal(await page.getByText(/token:/).count(), 0);
  }

  test('a fresh link names inviter, workspace and role; once accepted it says it is used', async () => {
    const { url } = await invite('MEMBER');
    const page = await open(url);
    await page
      .getByTestId('invitation-preview')
      .filter({ hasText: `${OWNER.name} invited you to join ${OWNER.name}'s workspace as member.` })
      .waitFor();
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Name').fill('Mia Member');
    await form.getByLabel('Email').fill('mia@example.com');
    await form.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'invitation-preview');
    await form.getByRole('button', { name: 'Create account and join' }).click();
    await page.waitForURL((u) => u.pathname === '/');

    const again = await open(url);
    await assertGone(again);
    await screenshot(again, 'invitation-gone');
    assert.deepEqual(pageErrors, []);
  });

  test('a link used while its page was open: the submit says so in words, and the form goes', async () => {
    const { token, url } = await invite('VIEWER');
    const page = await open(url);
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.waitFor();
    await signUp(server.url, {
      email: 'first@example.com',
      password: PASSWORD,
      name: 'First',
      invitationToken: token,
    });
    await form.getByLabel('Name').fill('Second');
    await form.getByLabel('Email').fill('second@example.com');
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Create account and join' }).click();
    await assertGone(page);
  });

  test('the API answers null alike for a used, a revoked and an unknown token', async () => {
    const used = await invite('MEMBER');
    assert.deepEqual(await preview(used.token), {
      workspaceName: `${OWNER.name}'s workspace`,
      inviterName: OWNER.name,
      role: 'MEMBER',
    });
    await signUp(server.url, {
      email: 'used@example.com',
      password: PASSWORD,
      name: 'Used',
      invitationToken: used.token,
    });
    assert.equal(await preview(used.token), null);

    const revoked = await invite('VIEWER');
    await gqlOk(
      server.url,
      'mutation ($w: ID!, $id: ID!) { revokeInvitation(workspaceId: $w, id: $id) }',
      {
        w: workspace,
        id: revoked.id,
      },
    );
    assert.equal(await preview(revoked.token), null);
    assert.equal(await preview('lli_not-a-token'), null);
  });

  test('the role shown is capped by the inviter’s role now; an inviter who left offers nothing', async () => {
    const admin = await joinWorkspace(server.url, workspace, 'ADMIN');
    const { token } = await invite('ADMIN', { token: admin.token });
    assert.equal((await preview(token)).role, 'ADMIN');
    const setRole =
      'mutation ($w: ID!, $u: ID!, $r: Role!) { updateMemberRole(workspaceId: $w, userId: $u, role: $r) { role } }';
    await gqlOk(server.url, setRole, { w: workspace, u: admin.user.id, r: 'MEMBER' });
    assert.equal((await preview(token)).role, 'MEMBER');
    await gqlOk(
      server.url,
      'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }',
      {
        w: workspace,
        u: admin.user.id,
      },
    );
    assert.equal(await preview(token), null);
    // The query itself needs no credentials and reports no error for a dead link.
    const { errors } = await gql(server.url, PREVIEW, { t: token }, { token: null });
    assert.equal(errors, undefined);
  });
});

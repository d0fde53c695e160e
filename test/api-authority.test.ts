// Who may do what, checked at the moment it is done: invitations listed and revoked, their role
// capped by the inviter's current role, links from PUBLIC_URL (never the Host header), notes edited
// by the run's creator or an admin, an owner's tokens safe from admins, and the Secure cookie.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import WebSocket from 'ws';
import {
  createRun,
  gql,
  gqlOk,
  joinWorkspace,
  PASSWORD,
  refusalCode,
  signUp,
  startTestServer,
  uploadPhotos,
  useTestServer,
  type Credentials,
  wsClient,
  type TestServer,
} from './helpers/api.ts';

const PUBLIC_URL = 'https://lab.example.com';
const INVITE = `mutation ($w: ID!, $r: Role!) { inviteMember(workspaceId: $w, role: $r) { id token url role } }`;
const INVITATIONS = `query ($w: ID) { invitations(workspaceId: $w) { id role createdBy { email } expiresAt } }`;
const REVOKE = `mutation ($w: ID!, $id: ID!) { revokeInvitation(workspaceId: $w, id: $id) }`;
const REMOVE_MEMBER = 'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }';
const SET_ROLE = `mutation ($w: ID!, $u: ID!, $r: Role!) { updateMemberRole(workspaceId: $w, userId: $u, role: $r) { role } }`;

describe('authority re-checked when it is used (PUBLIC_URL https)', () => {
  let testServer: TestServer;
  let url: string;
  let workspace: string;
  let admin: Credentials;
  let member: Credentials;

  /** An invitation to workspace A that the owner (or the holder of token `as`) makes. */
  async function invite(role: string, as?: string) {
    return (await gqlOk(url, INVITE, { w: workspace, r: role }, { token: as })).inviteMember;
  }

  function revoke(invitationId: string, as?: string) {
    return gql(url, REVOKE, { w: workspace, id: invitationId }, { token: as });
  }

  /** Signs up (as nobody) with the invitation token. */
  function signUpInvited(invitationToken: string, email: string, name: string) {
    return gql(
      url,
      'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
      { input: { email, password: PASSWORD, name, invitationToken } },
      { token: null },
    );
  }

  /** Signs in (as nobody) with the test password: UNAUTHENTICATED where there is no such account. */
  function signIn(email: string) {
    return gql(
      url,
      'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
      { input: { email, password: PASSWORD } },
      { token: null },
    );
  }

  async function roleOf(credentials: Credentials): Promise<string> {
    const { me } = await gqlOk(
      url,
      '{ me { workspaces { role } } }',
      {},
      { token: credentials.token },
    );
    return me.workspaces[0].role;
  }

  before(async () => {
    testServer = await startTestServer({
      name: 'authority',
      auth: { ...loadConfig({}).auth, publicUrl: PUBLIC_URL },
    });
    url = testServer.server.url;
    workspace = (await gqlOk(url, '{ me { workspaces { id } } }')).me.workspaces[0].id;
    admin = await joinWorkspace(url, workspace, 'ADMIN');
    member = await joinWorkspace(url, workspace, 'MEMBER');
  });

  after(async () => {
    await testServer?.close();
  });

  test('invitation links are built from PUBLIC_URL, whatever Host the request names', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${testServer.owner.token}`,
        host: 'evil.example.net',
        'x-forwarded-proto': 'http',
      },
      body: JSON.stringify({ query: INVITE, variables: { w: workspace, r: 'VIEWER' } }),
    });
    const { data } = (await response.json()) as { data: { inviteMember: { url: string } } };
    assert.match(data.inviteMember.url, /^https:\/\/lab\.example\.com\/invite\/lli_\S+$/);
  });

  test('admins list pending invitations and revoke one; its link then stops working', async () => {
    const inviteMember = await invite('MEMBER');
    const { invitations } = await gqlOk(url, INVITATIONS, { w: workspace }, { token: admin.token });
    const listed = invitations.find((i: { id: string }) => i.id === inviteMember.id);
    assert.deepEqual(
      { role: listed?.role, by: listed?.createdBy?.email },
      { role: 'MEMBER', by: 'owner@example.com' },
    );
    assert.ok(!('token' in listed), 'the secret is never listed');
    const byMember = await gql(url, INVITATIONS, { w: workspace }, { token: member.token });
    assert.equal(byMember.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const revokeByMember = await revoke(inviteMember.id, member.token);
    assert.equal(revokeByMember.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const revokeByAdmin = await revoke(inviteMember.id, admin.token);
    assert.equal(revokeByAdmin.data?.revokeInvitation, true, JSON.stringify(revokeByAdmin.errors));
    const after = await gqlOk(url, INVITATIONS, { w: workspace });
    assert.ok(!after.invitations.some((i: { id: string }) => i.id === inviteMember.id));
    const used = await signUpInvited(inviteMember.token, 'too-late@example.com', 'Late');
    assert.equal(used.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(used.errors?.[0]?.extensions?.field, 'token');
    const late = await signIn('too-late@example.com');
    assert.equal(late.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', 'no account was left');
  });

  test('an admin cannot revoke an owner invitation', async () => {
    const inviteMember = await invite('OWNER');
    const refused = await revoke(inviteMember.id, admin.token);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const byOwner = await revoke(inviteMember.id);
    assert.equal(byOwner.data?.revokeInvitation, true, JSON.stringify(byOwner.errors));
  });

  test('an admin demoted after inviting grants at most their current role', async () => {
    const demoted = await joinWorkspace(url, workspace, 'ADMIN');
    const inviteMember = await invite('ADMIN', demoted.token);
    await gqlOk(url, SET_ROLE, { w: workspace, u: demoted.user.id, r: 'MEMBER' });
    const joined = await signUp(url, {
      email: 'capped@example.com',
      password: PASSWORD,
      name: 'Capped',
      invitationToken: inviteMember.token,
    });
    assert.equal(await roleOf(joined), 'MEMBER');
  });

  test('an invitation from someone no longer a member grants nothing, and leaves no account', async () => {
    const leaving = await joinWorkspace(url, workspace, 'ADMIN');
    const inviteMember = await invite('MEMBER', leaving.token);
    await gqlOk(url, REMOVE_MEMBER, {
      w: workspace,
      u: leaving.user.id,
    });
    const refused = await signUpInvited(inviteMember.token, 'orphan@example.com', 'Orphan');
    assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const orphan = await signIn('orphan@example.com');
    assert.equal(orphan.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  test('a member removed from their only workspace is still signed in: workspace operations answer FORBIDDEN, and me lists no workspace', async () => {
    const removed = await joinWorkspace(url, workspace, 'MEMBER');
    await gqlOk(url, REMOVE_MEMBER, {
      w: workspace,
      u: removed.user.id,
    });
    const unnamed = await gql(url, '{ images { nodes { id } } }', {}, { token: removed.token });
    assert.equal(unnamed.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(unnamed));
    assert.match(unnamed.errors?.[0]?.message ?? '', /belong to no workspace/);
    assert.equal(unnamed.errors?.[0]?.extensions?.reason, 'NOT_A_MEMBER');
    const named = await gql(
      url,
      '{ images { nodes { id } } }',
      {},
      { token: removed.token, workspaceId: workspace },
    );
    assert.equal(named.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(named.errors?.[0]?.message ?? '', /not a member of workspace/);
    assert.equal(named.errors?.[0]?.extensions?.reason, 'NOT_A_MEMBER');
    // A role's refusal is FORBIDDEN too, but not NOT_A_MEMBER: the client keeps its workspace.
    const viewer = await joinWorkspace(url, workspace, 'VIEWER');
    const refused = await gql(
      url,
      REMOVE_MEMBER,
      { w: workspace, u: member.user.id },
      { token: viewer.token, workspaceId: workspace },
    );
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(refused));
    assert.equal(refused.errors?.[0]?.extensions?.reason, undefined);
    const { me } = await gqlOk(
      url,
      '{ me { email workspaces { id } } }',
      {},
      { token: removed.token },
    );
    assert.deepEqual(me.workspaces, [], 'the session still works: me answers');
  });

  test('an API token whose membership ends mid-burst: each read answered or refused as a gone workspace; after, it acts nowhere and its socket closes', async () => {
    const leaving = await joinWorkspace(url, workspace, 'MEMBER');
    const { createApiToken } = await gqlOk(
      url,
      'mutation { createApiToken(input: { name: "script", role: MEMBER }) { token } }',
      {},
      { token: leaving.token, workspaceId: workspace },
    );
    const token = createApiToken.token as string;
    const { createWorkspace } = await gqlOk(
      url,
      'mutation { createWorkspace(name: "Their own") { id } }',
      {},
      { token: leaving.token },
    );
    // An acknowledged socket on the token, open across the removal.
    const open = wsClient(url, { token });
    const acknowledged = new Promise((resolve) => open.on('connected', resolve));
    const openEnd = refusalCode(open);
    await acknowledged;
    // Reads naming the person's own workspace too: the token never falls through to it.
    const read = (i: number) =>
      gql(
        url,
        '{ images { nodes { id } } }',
        {},
        { token, workspaceId: i % 2 ? createWorkspace.id : undefined },
      );
    const burst = Array.from({ length: 20 }, (_, i) => read(i));
    const removal = gqlOk(url, REMOVE_MEMBER, { w: workspace, u: leaving.user.id });
    burst.push(...Array.from({ length: 20 }, (_, i) => read(i)));
    await removal;
    for (const result of await Promise.all(burst)) {
      if (result.data?.images) continue;
      assert.equal(result.errors?.[0]?.extensions?.reason, 'NOT_A_MEMBER', JSON.stringify(result));
    }
    for (const result of await Promise.all(Array.from({ length: 20 }, (_, i) => read(i)))) {
      const error = result.errors?.[0];
      assert.equal(error?.extensions?.code, 'FORBIDDEN', JSON.stringify(result));
      assert.equal(error?.extensions?.reason, 'NOT_A_MEMBER');
      assert.match(error?.message ?? '', /API token belongs to workspace .* no longer a member/);
      assert.ok(error?.message.includes(workspace), "the message names the token's workspace");
    }
    assert.equal(await openEnd, 4403, 'the socket open across the removal is closed');
    await open.dispose();
    // A socket opened with it now is refused at once, not left open to fail each operation.
    const later = wsClient(url, { token });
    assert.equal(await refusalCode(later), 4403);
    await later.dispose();
    // Their session still works in the workspace they own.
    const { images } = await gqlOk(
      url,
      '{ images { nodes { id } } }',
      {},
      { token: leaving.token, workspaceId: createWorkspace.id },
    );
    assert.deepEqual(images.nodes, []);
  });

  test('a MEMBER edits notes of their own runs only; admins edit anyone’s', async () => {
    const imageIds = await uploadPhotos(url, ['chelsea', 'coffee']);
    const input = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    const ownersRun = (await createRun(url, input)).id;
    const membersRun = (await createRun(url, input, { token: member.token })).id;
    const NOTES = `mutation ($id: ID!, $n: String!) { updateRunNotes(id: $id, notes: $n) { notes } }`;
    const refused = await gql(
      url,
      NOTES,
      { id: ownersRun, n: 'mine now' },
      { token: member.token },
    );
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const { run } = await gqlOk(url, 'query ($id: ID!) { run(id: $id) { notes } }', {
      id: ownersRun,
    });
    assert.equal(run.notes, '', 'nothing was written');
    await gqlOk(url, NOTES, { id: membersRun, n: 'my notes' }, { token: member.token });
    await gqlOk(url, NOTES, { id: membersRun, n: 'reviewed' }, { token: admin.token });
  });

  test("an admin cannot revoke an owner's API token; the owner can revoke an admin's", async () => {
    const TOKEN = `mutation { createApiToken(input: { name: "ci", role: VIEWER }) { apiToken { id } } }`;
    const REVOKE_TOKEN = `mutation ($id: ID!) { revokeApiToken(id: $id) }`;
    const ownersToken = (await gqlOk(url, TOKEN)).createApiToken.apiToken.id;
    const adminsToken = (await gqlOk(url, TOKEN, {}, { token: admin.token })).createApiToken
      .apiToken.id;
    const refused = await gql(url, REVOKE_TOKEN, { id: ownersToken }, { token: admin.token });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const { apiTokens } = await gqlOk(url, '{ apiTokens { id } }');
    assert.ok(
      apiTokens.some((t: { id: string }) => t.id === ownersToken),
      'still there',
    );
    assert.equal((await gqlOk(url, REVOKE_TOKEN, { id: adminsToken })).revokeApiToken, true);
  });

  test('with an https PUBLIC_URL the session cookie is Secure', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
        variables: { input: { email: 'owner@example.com', password: PASSWORD } },
      }),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /latent_lab_session=lls_/);
    assert.match(cookie, /;\s*Secure/i);
    assert.match(cookie, /HttpOnly/i);
  });
});

describe('without PUBLIC_URL', () => {
  const testServer = useTestServer({ name: 'authority_plain' });

  test('links point at the server itself and the cookie is not Secure over plain http', async () => {
    const { me } = await gqlOk(testServer.server.url, '{ me { workspaces { id } } }');
    const response = await fetch(`${testServer.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${testServer.owner.token}`,
        host: 'evil.example.net',
      },
      body: JSON.stringify({ query: INVITE, variables: { w: me.workspaces[0].id, r: 'MEMBER' } }),
    });
    const { data } = (await response.json()) as { data: { inviteMember: { url: string } } };
    assert.ok(data.inviteMember.url.startsWith(`${testServer.server.url}/invite/`));
    const signIn = await fetch(`${testServer.server.url}/graphql`, {
      method: 'POST',
      // No proxy is trusted by default: a client's own X-Forwarded-Proto changes nothing.
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({
        query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
        variables: { input: { email: 'owner@example.com', password: PASSWORD } },
      }),
    });
    assert.doesNotMatch(signIn.headers.get('set-cookie') ?? '', /Secure/i);
  });
});

describe('behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  const testServer = useTestServer({
    name: 'authority_proxy',
    auth: { ...loadConfig({}).auth, trustProxy: 'loopback', signinAttempts: 2 },
  });

  const signInVia = (forwardedFor: string, password: string, proto = 'http') =>
    fetch(`${testServer.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': forwardedFor,
        'x-forwarded-proto': proto,
      },
      body: JSON.stringify({
        query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
        variables: { input: { email: 'owner@example.com', password } },
      }),
    });

  test('sign-in attempts count the client address the proxy names; https there makes the cookie Secure', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const body = (await (await signInVia('203.0.113.5', 'wrong password')).json()) as {
        errors?: { extensions?: { code?: string } }[];
      };
      codes.push(body.errors?.[0]?.extensions?.code);
    }
    assert.deepEqual(codes, ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    const elsewhere = await signInVia('203.0.113.6', PASSWORD, 'https');
    const body = (await elsewhere.json()) as { errors?: unknown };
    assert.equal(body.errors, undefined, 'another client behind the same proxy is not held back');
    assert.match(elsewhere.headers.get('set-cookie') ?? '', /;\s*Secure/i);
  });

  test('on a WebSocket too, sign-in attempts count the address the proxy names', async () => {
    const { server, owner } = testServer;
    // A signed-in teammate's socket through the proxy; the upgrade request carries the header.
    const socketFrom = (forwardedFor: string) =>
      class extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols, { headers: { 'x-forwarded-for': forwardedFor } });
        }
      };
    const signInOn = async (forwardedFor: string, password: string) => {
      const client = wsClient(server.url, { token: owner.token }, socketFrom(forwardedFor));
      try {
        const result = await new Promise<{
          errors?: readonly { extensions?: { code?: unknown } }[];
        }>((resolve, reject) => {
          client.subscribe(
            {
              query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
              variables: { input: { email: 'owner@example.com', password } },
            },
            { next: resolve, error: reject, complete: () => {} },
          );
        });
        return result.errors?.[0]?.extensions?.code ?? 'OK';
      } finally {
        await client.dispose();
      }
    };
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(await signInOn('203.0.113.7', 'wrong password'));
    assert.deepEqual(codes, ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    assert.equal(
      await signInOn('203.0.113.8', PASSWORD),
      'OK',
      'another client behind the same proxy is not held back on its socket either',
    );
  });
});

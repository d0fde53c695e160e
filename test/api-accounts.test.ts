// Accounts end to end: sign-up policy, sessions and cookies, invitations, roles and the last
// owner, API tokens revoked at once (HTTP and an open WebSocket), cross-site sockets refused,
// sign-in rate limits, quotas and per-workspace deduplication.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import WebSocket from 'ws';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  CREATE_RUN,
  createRun,
  gql,
  gqlOk,
  OWNER,
  PASSWORD,
  PHOTOS,
  refusalCode,
  signUp,
  uploadPhoto,
  uploadPhotos,
  useTestServer,
  wsClient,
} from './helpers/api.ts';

describe('accounts, workspaces and tokens', () => {
  const testServer = useTestServer({
    name: 'accounts',
    auth: {
      ...loadConfig({}).auth,
      signinAttempts: 3,
      maxActiveRuns: 2,
      mutationsPerMinute: 1000,
    },
  });
  let server: RunningServer;
  let workspaceA: string;

  before(async () => {
    server = testServer.server;
    workspaceA = (await gqlOk(server.url, '{ me { workspaces { id role } } }')).me.workspaces[0].id;
  });

  test('first-user: the first account owns the first workspace; then only an invitation lets a person in', async () => {
    const setup = await gqlOk(
      server.url,
      '{ setup { needsOwner signupPolicy } }',
      {},
      { token: null },
    );
    assert.deepEqual(setup.setup, { needsOwner: false, signupPolicy: 'first-user' });
    const { me } = await gqlOk(server.url, '{ me { email workspaces { role } } }');
    assert.equal(me.email, OWNER.email);
    assert.deepEqual(me.workspaces, [{ role: 'OWNER' }]);
    const refused = await gql(
      server.url,
      'mutation { signUp(input: { email: "x@example.com", password: "correct horse battery", name: "X" }) { token } }',
      {},
      { token: null },
    );
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(refused.errors![0]!.message, /invitation/);
  });

  test('an invitation link is single-use and gives its role', async () => {
    const { inviteMember } = await gqlOk(
      server.url,
      'mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { token url role expiresAt } }',
      { w: workspaceA },
    );
    assert.match(inviteMember.url, /\/invite\/lli_/);
    assert.ok(new Date(inviteMember.expiresAt).getTime() > Date.now());
    const first = await signUp(server.url, {
      email: 'first@example.com',
      password: PASSWORD,
      name: 'First',
      invitationToken: inviteMember.token,
    });
    const { me } = await gqlOk(
      server.url,
      '{ me { workspaces { id role } } }',
      {},
      { token: first.token },
    );
    assert.deepEqual(me.workspaces, [{ id: workspaceA, role: 'MEMBER' }]);
    const again = await gql(
      server.url,
      'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
      {
        input: {
          email: 'second@example.com',
          password: PASSWORD,
          name: 'Second',
          invitationToken: inviteMember.token,
        },
      },
      { token: null },
    );
    assert.equal(again.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(again.errors![0]!.message, /already used, revoked or has expired/);
  });

  test('the last owner cannot leave or be demoted; roles change through owners and admins', async () => {
    const { me } = await gqlOk(server.url, '{ me { id } }');
    for (const query of [
      'mutation ($w: ID!, $u: ID!) { updateMemberRole(workspaceId: $w, userId: $u, role: ADMIN) { role } }',
      'mutation ($w: ID!) { leaveWorkspace(workspaceId: $w) }',
    ]) {
      const result = await gql(server.url, query, { w: workspaceA, u: me.id });
      assert.equal(result.errors?.[0]?.extensions?.code, 'CONFLICT', query);
      assert.match(result.errors![0]!.message, /at least one owner/);
    }
  });

  test('signIn sets an HTTP-only, SameSite cookie that works in place of the bearer token; signOut ends it', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
        variables: { input: { email: OWNER.email, password: OWNER.password } },
      }),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /latent_lab_session=lls_/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const session = /latent_lab_session=([^;]+)/.exec(cookie)![1]!;
    const withCookie = (query: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `latent_lab_session=${session}` },
        body: JSON.stringify({ query }),
      }).then(
        (r) => r.json() as Promise<{ data?: { me?: { email: string } }; errors?: unknown[] }>,
      );
    assert.equal((await withCookie('{ me { email } }')).data?.me?.email, OWNER.email);
    await withCookie('mutation { signOut }');
    const after = (await withCookie('{ me { email } }')) as {
      errors?: { extensions: { code: string } }[];
    };
    assert.equal(after.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
  });

  test('a revoked API token stops working at once, on HTTP and on an open WebSocket', async () => {
    const { createApiToken } = await gqlOk(
      server.url,
      'mutation { createApiToken(input: { name: "ci", role: VIEWER }) { token apiToken { id name role } } }',
    );
    assert.match(createApiToken.token, /^llt_/);
    assert.deepEqual(
      (await gqlOk(server.url, '{ apiTokens { id name } }')).apiTokens.map(
        (t: { name: string }) => t.name,
      ),
      ['ci'],
      'listed without its secret',
    );
    const token = createApiToken.token as string;
    assert.ok((await gqlOk(server.url, '{ runs { totalCount } }', {}, { token })).runs);
    const viewerWrite = await gql(
      server.url,
      'mutation { createNoisePreset(input: { name: "t", level: 0.1 }) { id } }',
      {},
      { token },
    );
    assert.equal(
      viewerWrite.errors?.[0]?.extensions?.code,
      'FORBIDDEN',
      'a VIEWER token cannot write',
    );

    const socket = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const acknowledged = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve();
      }),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    await acknowledged;
    await gqlOk(server.url, 'mutation ($id: ID!) { revokeApiToken(id: $id) }', {
      id: createApiToken.apiToken.id,
    });
    assert.equal(await closed, 4401, 'the open socket is closed as unauthorized');
    const after = await gql(server.url, '{ runs { totalCount } }', {}, { token });
    assert.equal(after.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  test('a WebSocket from another site is refused; one without credentials is closed with 4401', async () => {
    const url = `${server.url.replace(/^http/, 'ws')}/graphql`;
    const evil = new WebSocket(url, 'graphql-transport-ws', {
      headers: { origin: 'https://evil.example' },
    });
    const refusal = await new Promise<string>((resolve) => {
      evil.once('unexpected-response', (_request, response) =>
        resolve(`HTTP ${response.statusCode}`),
      );
      evil.once('open', () => resolve('opened'));
      evil.once('error', () => resolve('error'));
    });
    assert.notEqual(refusal, 'opened');
    const own = new WebSocket(url, 'graphql-transport-ws', { headers: { origin: server.url } });
    const closed = new Promise<number>((resolve) => own.once('close', (code) => resolve(code)));
    await new Promise((resolve) => own.once('open', resolve));
    own.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    assert.equal(await closed, 4401);
    const client = wsClient(server.url, { workspaceId: '00000000-0000-4000-8000-000000000000' });
    const forbidden = await refusalCode(client);
    await client.dispose();
    assert.equal(forbidden, 4403, 'a workspace that is not yours');
  });

  test('sign-in attempts are limited per account and address', async () => {
    const attempt = (password: string) =>
      gql(
        server.url,
        'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
        { input: { email: 'first@example.com', password } },
        { token: null },
      );
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await attempt('wrong password')).errors?.[0]?.extensions?.code,
        'UNAUTHENTICATED',
      );
    }
    const limited = await attempt(PASSWORD);
    assert.equal(
      limited.errors?.[0]?.extensions?.code,
      'RATE_LIMITED',
      'even the right password waits',
    );
    assert.match(limited.errors![0]!.message, /try again in \d+ s/);
  });

  test('a workspace over its quota of active runs gets a clear error with the numbers', async () => {
    const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
    const input = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    await createRun(server.url, input);
    await createRun(server.url, input);
    const over = await gql(server.url, CREATE_RUN, { input });
    assert.equal(over.errors?.[0]?.extensions?.code, 'QUOTA_EXCEEDED');
    assert.match(over.errors![0]!.message, /2 queued or running runs, the limit is 2/);
  });

  test('the same photo uploaded in two workspaces is two images (deduplication is per workspace)', async () => {
    const { createWorkspace } = await gqlOk(
      server.url,
      'mutation { createWorkspace(name: "Second") { id role } }',
    );
    assert.equal(createWorkspace.role, 'OWNER');
    const inA = await uploadPhoto(server.url, PHOTOS.rocket);
    const inB = await uploadPhoto(server.url, PHOTOS.rocket, { workspaceId: createWorkspace.id });
    assert.equal(inB.created, true);
    assert.notEqual(inA.id, inB.id);
    const { images } = await gqlOk(
      server.url,
      '{ images { nodes { id } } }',
      {},
      { workspaceId: createWorkspace.id },
    );
    assert.deepEqual(
      images.nodes.map((image: { id: string }) => image.id),
      [inB.id],
    );
  });
});

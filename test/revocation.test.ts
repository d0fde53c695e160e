// Authority ends on open sockets at once, for every way it ends: a member removed, a role lowered,
// an API token revoked, a session signed out, a password changed (the other sessions end), also
// when the change is made through another API process. Real graphql-transport-ws sockets on real
// PostgreSQL. No sleeps: after the change is acknowledged, a workspace event is triggered; a
// still-authorised control socket receives it, and the revoked socket is closed with 4401/4403
// without having received it (a socket's messages arrive in order, so "closed, and not in what
// arrived before the close" means it was never delivered).
// Also the caps: operations per socket and sockets per user.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type Config } from '@latent-lab/config';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../apps/server/src/index.ts';
import {
  createRun,
  gql,
  gqlOk,
  joinWorkspace,
  PASSWORD,
  startTestServer,
  uploadPhotos,
  type TestServer,
} from './helpers/api.ts';

const RUN_UPDATES = 'subscription { runUpdates { kind runId run { notes } } }';

interface Message {
  type: string;
  id?: string;
  payload?: { data?: { runUpdates?: { run: { notes: string } | null } }; [key: string]: unknown };
}

/** A raw graphql-transport-ws client: every message it received, in order, and its close code. */
class Socket {
  readonly messages: Message[] = [];
  readonly closed: Promise<number>;
  private readonly waiters = new Set<() => void>();
  private nextId = 0;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Message);
      for (const wake of this.waiters) wake();
    });
    socket.once('close', () => {
      for (const wake of this.waiters) wake();
    });
  }

  /** Opened and acknowledged, with a bearer token (and a workspace, for sessions). */
  static async open(baseUrl: string, token: string, workspaceId?: string): Promise<Socket> {
    const socket = await Socket.connect(baseUrl, token, workspaceId);
    const outcome = await socket.acknowledged();
    if (outcome !== 'ack') throw new Error(`closed with ${outcome} instead of acknowledged`);
    return socket;
  }

  /** Opened, connection_init sent; not yet acknowledged. */
  static async connect(baseUrl: string, token: string, workspaceId?: string): Promise<Socket> {
    const socket = new Socket(
      new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws'),
    );
    await new Promise((resolve, reject) => {
      socket.socket.once('open', resolve);
      socket.socket.once('error', reject);
    });
    socket.send({
      type: 'connection_init',
      payload: { authorization: `Bearer ${token}`, ...(workspaceId ? { workspaceId } : {}) },
    });
    return socket;
  }

  /** 'ack', or the close code when the server closed the socket instead. */
  acknowledged(): Promise<'ack' | number> {
    return this.until((m) => m.type === 'connection_ack').then(
      () => 'ack' as const,
      () => this.closed,
    );
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Starts an operation; returns its id. */
  start(query: string, variables: Record<string, unknown> = {}): string {
    const id = String((this.nextId += 1));
    this.send({ type: 'subscribe', id, payload: { query, variables } });
    return id;
  }

  /** The first message matching, as soon as it arrives; rejects if the socket closes first. */
  until(match: (message: Message) => boolean): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(match);
        if (found) {
          this.waiters.delete(check);
          resolve(found);
        } else if (this.socket.readyState >= WebSocket.CLOSING) {
          this.waiters.delete(check);
          reject(new Error(`closed before the message came: ${JSON.stringify(this.messages)}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Whether a runUpdates event carrying these notes arrived. */
  sawNote(note: string): boolean {
    return this.messages.some((m) => m.payload?.data?.runUpdates?.run?.notes === note);
  }

  untilNote(note: string): Promise<Message> {
    return this.until((m) => m.payload?.data?.runUpdates?.run?.notes === note);
  }

  close(): void {
    this.socket.close();
  }
}

// The timeout only turns a regression (a socket never closed) into a failure instead of a hang.
describe('authority ends on open sockets at once', { timeout: 10 * 60_000 }, () => {
  let testServer: TestServer;
  let server: RunningServer;
  /** A second API process on the same database: changes made on one reach sockets on the other. */
  let other: RunningServer;
  let workspaceId: string;
  let runId: string;
  let noteCount = 0;

  before(async () => {
    testServer = await startTestServer({
      name: 'revocation',
      auth: { ...loadConfig({}).auth, mutationsPerMinute: 10_000, signinAttempts: 1000 },
      sockets: { maxSubscriptionsPerSocket: 3, maxSocketsPerUser: 4 },
    });
    server = testServer.server;
    const options: Config = {
      ...loadConfig({}),
      port: 0,
      host: '127.0.0.1',
      dataDir: testServer.dataDir,
      storage: { kind: 'local', root: join(testServer.dataDir, 'files') },
      databaseUrl: testServer.database.url,
      workerInProcess: false,
      serveDashboard: false,
      logLevel: 'warn',
    };
    other = await startServer(options);
    workspaceId = (await gqlOk(server.url, '{ me { workspaces { id } } }')).me.workspaces[0].id;
    const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
    const input = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    runId = (await createRun(server.url, input)).id;
  });

  after(async () => {
    await other?.close();
    await testServer?.close();
  });

  /** A workspace event every runUpdates subscriber of the workspace gets: the run's notes change. */
  async function workspaceEvent(): Promise<string> {
    const note = `note ${(noteCount += 1)}`;
    await gqlOk(
      server.url,
      'mutation ($id: ID!, $n: String!) { updateRunNotes(id: $id, notes: $n) { id } }',
      {
        id: runId,
        n: note,
      },
    );
    return note;
  }

  /**
   * Workspace events, one after another, until every operation started on the socket has received
   * one: from then on each is live (subscribed to the bus) and gets every later event.
   */
  async function live(socket: Socket, ids: string[]): Promise<void> {
    const isUpdate = (id: string) => (m: Message) =>
      m.id === id && m.type === 'next' && m.payload?.data?.runUpdates !== undefined;
    let done = false;
    const arrived = Promise.all(ids.map((id) => socket.until(isUpdate(id)))).finally(() => {
      done = true;
    });
    while (!done) await workspaceEvent();
    await arrived;
  }

  /** A socket subscribed to runUpdates, live. */
  async function watching(baseUrl: string, token: string, sessionWorkspace?: string) {
    const socket = await Socket.open(baseUrl, token, sessionWorkspace);
    await live(socket, [socket.start(RUN_UPDATES)]);
    return socket;
  }

  let ownerSocket: Socket;
  before(async () => {
    ownerSocket = await watching(server.url, testServer.owner.token);
  });
  after(() => ownerSocket?.close());

  /** A new person in the workspace with this role, signed in, and an API token of theirs. */
  async function member(role: 'ADMIN' | 'MEMBER') {
    const person = await joinWorkspace(server.url, workspaceId, role);
    const { createApiToken } = await gqlOk(
      server.url,
      'mutation ($r: Role!) { createApiToken(input: { name: "script", role: $r }) { token apiToken { id } } }',
      { r: role },
      { token: person.token },
    );
    return {
      ...person,
      apiToken: createApiToken.token as string,
      apiTokenId: createApiToken.apiToken.id as string,
    };
  }

  async function signIn(email: string, password = PASSWORD): Promise<string> {
    const { signIn } = await gqlOk(
      server.url,
      'mutation ($i: SignInInput!) { signIn(input: $i) { token } }',
      { i: { email, password } },
      { token: null },
    );
    return signIn.token;
  }

  /**
   * After the change: one more workspace event reaches the control socket, and each revoked socket
   * is closed with its code without having received it.
   */
  async function assertCut(control: Socket, revoked: [Socket, number][]): Promise<void> {
    const note = await workspaceEvent();
    await control.untilNote(note);
    for (const [socket, code] of revoked) {
      assert.equal(await socket.closed, code);
      assert.equal(socket.sawNote(note), false, 'no event of the workspace after the change');
    }
  }

  // The sockets are on the first API process; the removal goes through it or through the other.
  for (const through of ['the same', 'another'] as const) {
    test(`a member removed through ${through} API process: their session and API-token sockets close with 4403`, async () => {
      const person = await member('MEMBER');
      const session = await watching(server.url, person.token);
      const token = await watching(server.url, person.apiToken);
      await gqlOk(
        (through === 'the same' ? server : other).url,
        'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }',
        { w: workspaceId, u: person.user.id },
        { token: testServer.owner.token },
      );
      await assertCut(ownerSocket, [
        [session, 4403],
        [token, 4403],
      ]);
    });
  }

  test('a member removed while events stream, with four sockets on two credentials: all close with 4403, none gets an event sent after the removal', async () => {
    const person = await member('MEMBER');
    const sockets = [
      await watching(server.url, person.token),
      await watching(server.url, person.token),
      await watching(other.url, person.apiToken),
      await watching(other.url, person.apiToken),
    ];
    // Events race the removal; those sent once it is acknowledged, all at once, must not arrive.
    const removed = gqlOk(
      server.url,
      'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }',
      { w: workspaceId, u: person.user.id },
      { token: testServer.owner.token },
    );
    await Promise.all([removed, ...Array.from({ length: 5 }, () => workspaceEvent())]);
    const after = await Promise.all(Array.from({ length: 8 }, () => workspaceEvent()));
    // An event carries the run as it is then, so the owner may see only the last of those notes:
    // one more event, sent alone, marks the end.
    after.push(await workspaceEvent());
    await ownerSocket.untilNote(after.at(-1)!);
    for (const socket of sockets) {
      assert.equal(await socket.closed, 4403);
      for (const note of after) assert.equal(socket.sawNote(note), false, note);
    }
  });

  test('a member leaving: their sockets close with 4403', async () => {
    const person = await member('MEMBER');
    const session = await watching(other.url, person.token);
    await gqlOk(
      server.url,
      'mutation ($w: ID!) { leaveWorkspace(workspaceId: $w) }',
      { w: workspaceId },
      {
        token: person.token,
      },
    );
    await assertCut(ownerSocket, [[session, 4403]]);
  });

  test('a role lowered: the sockets stay (a viewer reads) but each operation on them has the new role', async () => {
    const person = await member('ADMIN');
    const session = await watching(server.url, person.token);
    const token = await watching(server.url, person.apiToken);
    const PRESET =
      'mutation ($n: String!) { createNoisePreset(input: { name: $n, level: 0.1 }) { id } }';
    const presetOn = async (socket: Socket, name: string) => {
      const id = socket.start(PRESET, { n: name });
      return socket.until((m) => m.id === id && (m.type === 'next' || m.type === 'error'));
    };
    assert.ok(
      (await presetOn(session, 'before session')).payload?.data,
      'an admin creates presets',
    );
    assert.ok((await presetOn(token, 'before token')).payload?.data);
    await gqlOk(
      server.url,
      'mutation ($w: ID!, $u: ID!) { updateMemberRole(workspaceId: $w, userId: $u, role: VIEWER) { role } }',
      { w: workspaceId, u: person.user.id },
    );
    for (const socket of [session, token]) {
      const refused = await presetOn(socket, `after ${socket === token ? 'token' : 'session'}`);
      const errors = refused.payload?.['errors'] as { extensions: { code: string } }[];
      assert.equal(
        errors[0]!.extensions.code,
        'FORBIDDEN',
        'the lowered role, not the remembered one',
      );
    }
    // Still allowed to read: the next event reaches both.
    const note = await workspaceEvent();
    await session.untilNote(note);
    await token.untilNote(note);
    session.close();
    token.close();
  });

  test('an API token revoked: its sockets close with 4401, the same person’s session stays', async () => {
    const person = await member('MEMBER');
    const session = await watching(server.url, person.token);
    // Two sockets of the token on one process: one re-check serves both, and both close.
    const token = await watching(other.url, person.apiToken);
    const sameToken = await watching(other.url, person.apiToken);
    await gqlOk(
      server.url,
      'mutation ($id: ID!) { revokeApiToken(id: $id) }',
      { id: person.apiTokenId },
      {
        token: person.token,
      },
    );
    await assertCut(session, [
      [token, 4401],
      [sameToken, 4401],
    ]);
    session.close();
  });

  test('signOut: that session’s (or API token’s) sockets close with 4401, another session of the same person stays', async () => {
    const person = await member('MEMBER');
    const second = await signIn(person.user.email);
    const signedOut = await watching(server.url, person.token, workspaceId);
    const staying = await watching(other.url, second);
    const token = await watching(server.url, person.apiToken);
    await gqlOk(server.url, 'mutation { signOut }', {}, { token: person.token });
    await assertCut(staying, [[signedOut, 4401]]);
    // An API token signing out is revoked.
    await gqlOk(server.url, 'mutation { signOut }', {}, { token: person.apiToken });
    await assertCut(staying, [[token, 4401]]);
    const revoked = await gql(server.url, '{ me { email } }', {}, { token: person.apiToken });
    assert.equal(revoked.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    staying.close();
  });

  test('changePassword: every other session ends (4401) and its sockets close; this session and API tokens stay', async () => {
    const person = await member('MEMBER');
    const otherSession = await signIn(person.user.email);
    const changing = await watching(server.url, person.token);
    const ended = await watching(other.url, otherSession);
    const token = await watching(server.url, person.apiToken);
    const wrong = await gql(
      server.url,
      'mutation ($i: ChangePasswordInput!) { changePassword(input: $i) }',
      { i: { currentPassword: 'not my password', newPassword: 'a brand new password' } },
      { token: person.token },
    );
    assert.equal(wrong.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(wrong.errors?.[0]?.extensions?.field, 'currentPassword');
    const short = await gql(
      server.url,
      'mutation ($i: ChangePasswordInput!) { changePassword(input: $i) }',
      { i: { currentPassword: PASSWORD, newPassword: 'short' } },
      { token: person.token },
    );
    assert.equal(short.errors?.[0]?.extensions?.field, 'newPassword', 'sign-up’s rules');
    await gqlOk(
      server.url,
      'mutation ($i: ChangePasswordInput!) { changePassword(input: $i) }',
      { i: { currentPassword: PASSWORD, newPassword: 'a brand new password' } },
      { token: person.token },
    );
    await assertCut(changing, [[ended, 4401]]);
    const note = await workspaceEvent();
    await token.untilNote(note);
    const stale = await gql(server.url, '{ me { email } }', {}, { token: otherSession });
    assert.equal(stale.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.ok(await signIn(person.user.email, 'a brand new password'), 'the new password works');
    const old = await gql(
      server.url,
      'mutation ($i: SignInInput!) { signIn(input: $i) { token } }',
      { i: { email: person.user.email, password: PASSWORD } },
      { token: null },
    );
    assert.equal(old.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', 'the old one does not');
    const byToken = await gql(
      server.url,
      'mutation ($i: ChangePasswordInput!) { changePassword(input: $i) }',
      { i: { currentPassword: 'a brand new password', newPassword: 'another new password' } },
      { token: person.apiToken },
    );
    assert.equal(byToken.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'a token has no password');
    changing.close();
    token.close();
  });

  test('one operation more than WS_MAX_SUBSCRIPTIONS is refused with QUOTA_EXCEEDED', async () => {
    const person = await member('MEMBER');
    const socket = await Socket.open(server.url, person.token);
    const accepted = [
      socket.start(RUN_UPDATES),
      socket.start(RUN_UPDATES),
      socket.start(RUN_UPDATES),
    ];
    const refused = socket.start(RUN_UPDATES);
    const error = await socket.until((m) => m.id === refused && m.type === 'error');
    const errors = error.payload as unknown as { message: string; extensions: { code: string } }[];
    assert.equal(errors[0]!.extensions.code, 'QUOTA_EXCEEDED');
    assert.match(errors[0]!.message, /at most 3 operations/);
    await live(socket, accepted);
    // Completing one frees its place.
    socket.send({ type: 'complete', id: accepted[0] });
    await live(socket, [socket.start(RUN_UPDATES)]);
    socket.close();
  });

  test('one socket more than WS_MAX_SOCKETS_PER_USER is closed with 4429', async () => {
    const person = await member('MEMBER');
    // Sessions and tokens of one person count together.
    const open = await Promise.all(
      [person.token, person.token, person.apiToken, person.apiToken].map((token) =>
        Socket.open(server.url, token),
      ),
    );
    const fifth = await Socket.connect(server.url, person.token);
    assert.equal(await fifth.acknowledged(), 4429);
    // Another person is not affected.
    (await Socket.open(server.url, testServer.owner.token)).close();
    // Once one closes, a socket is accepted again: the server sees the close a moment after the
    // client does, so until then each try is still refused with 4429.
    open[0]!.close();
    await open[0]!.closed;
    for (;;) {
      const next = await Socket.connect(server.url, person.token);
      const outcome = await next.acknowledged();
      if (outcome === 'ack') {
        next.close();
        break;
      }
      assert.equal(outcome, 4429);
    }
    for (const socket of open.slice(1)) socket.close();
  });
});

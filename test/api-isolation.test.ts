// Every operation of the schema, and the file routes, tried by four people: the owner of workspace
// A, a viewer of A, the owner of another workspace B, and nobody (no credentials). The list of
// operations comes from the schema itself, so an operation added without a rule here fails.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import type { GraphQLObjectType } from 'graphql';
import { graphqlSchema } from '../apps/server/src/graphql/schema.ts';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  authHeaders,
  CREATE_RUN,
  createRun,
  gql,
  gqlOk,
  joinWorkspace,
  PASSWORD,
  PHOTOS,
  signUp,
  uploadBytes,
  uploadPhoto,
  uploadPhotos,
  useTestServer,
  watchRun,
  wsClient,
  type GraphQLResponse,
} from './helpers/api.ts';

/** Objects of workspace A the operations are tried on. */
interface Ids {
  workspaceA: string;
  imageA: string;
  otherImageA: string;
  runA: string;
  otherRunA: string;
  sweepA: string;
  presetA: string;
  reportA: string;
  tokenA: string;
  memberA: string;
  usedInvitation: string;
  pendingInvitation: string;
}

type Persona = 'viewer' | 'otherWorkspace' | 'nobody';

/**
 * What each persona gets: an error code, 'ok' (no error; for otherWorkspace, the answer must not
 * mention any of A's ids), 'null' (the object reads as absent) or 'skip' with why (the call would
 * end the persona's own session or membership; covered by its own test below).
 */
type Outcome = string;

interface Rule {
  /** Public operations: no credentials needed. */
  public?: true;
  /** Changes workspace A: a viewer gets FORBIDDEN. */
  write?: true;
  call(ids: Ids): { query: string; variables?: Record<string, unknown> };
  expect?: Partial<Record<Persona, Outcome>>;
}

const RUN_FIELDS = 'id name';
const RULES: Record<string, Rule> = {
  // Public.
  setup: { public: true, call: () => ({ query: '{ setup { needsOwner signupPolicy } }' }) },
  signUp: {
    public: true,
    call: () => ({
      query: 'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
      variables: {
        input: {
          email: `someone-${Math.random()}@example.com`,
          password: PASSWORD,
          name: 'X',
        },
      },
    }),
  },
  signIn: {
    public: true,
    call: () => ({
      query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
      variables: { input: { email: 'nobody@example.com', password: 'wrong password' } },
    }),
    expect: {
      nobody: 'UNAUTHENTICATED',
      viewer: 'UNAUTHENTICATED',
      otherWorkspace: 'UNAUTHENTICATED',
    },
  },
  invitation: {
    public: true,
    // A used link reads as null, the same answer for everyone (no error, nothing of workspace A).
    call: (ids) => ({
      query: 'query ($t: String!) { invitation(token: $t) { workspaceName role } }',
      variables: { t: ids.usedInvitation },
    }),
  },
  // Accounts and workspaces.
  me: { call: () => ({ query: '{ me { id workspaces { id } } }' }) },
  signOut: {
    call: () => ({ query: 'mutation { signOut }' }),
    expect: {
      viewer: 'skip: ends the session (tested below)',
      otherWorkspace: 'skip: ends the session',
    },
  },
  changePassword: {
    // A wrong current password changes nothing (the right one is tested in revocation.test.ts).
    call: () => ({
      query: 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) }',
      variables: { input: { currentPassword: 'not the password', newPassword: 'a new password' } },
    }),
    expect: { viewer: 'BAD_USER_INPUT', otherWorkspace: 'BAD_USER_INPUT' },
  },
  createWorkspace: { call: () => ({ query: 'mutation { createWorkspace(name: "Mine") { id } }' }) },
  inviteMember: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { id } }',
      variables: { w: ids.workspaceA },
    }),
  },
  invitations: {
    write: true,
    call: (ids) => ({
      query: 'query ($w: ID) { invitations(workspaceId: $w) { id role } }',
      variables: { w: ids.workspaceA },
    }),
  },
  revokeInvitation: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($w: ID!, $id: ID!) { revokeInvitation(workspaceId: $w, id: $id) }',
      variables: { w: ids.workspaceA, id: ids.pendingInvitation },
    }),
  },
  acceptInvitation: {
    call: (ids) => ({
      query: 'mutation ($t: String!) { acceptInvitation(token: $t) { id } }',
      variables: { t: ids.usedInvitation },
    }),
    expect: { viewer: 'BAD_USER_INPUT', otherWorkspace: 'BAD_USER_INPUT' },
  },
  members: {
    call: (ids) => ({
      query: 'query ($w: ID) { members(workspaceId: $w) { user { id } role } }',
      variables: { w: ids.workspaceA },
    }),
  },
  updateMemberRole: {
    write: true,
    call: (ids) => ({
      query:
        'mutation ($w: ID!, $u: ID!) { updateMemberRole(workspaceId: $w, userId: $u, role: VIEWER) { role } }',
      variables: { w: ids.workspaceA, u: ids.memberA },
    }),
  },
  removeMember: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }',
      variables: { w: ids.workspaceA, u: ids.memberA },
    }),
  },
  leaveWorkspace: {
    call: (ids) => ({
      query: 'mutation ($w: ID!) { leaveWorkspace(workspaceId: $w) }',
      variables: { w: ids.workspaceA },
    }),
    expect: { viewer: 'skip: a viewer may leave (tested below)' },
  },
  createApiToken: {
    write: true,
    call: () => ({
      query: 'mutation { createApiToken(input: { name: "ci", role: MEMBER }) { token } }',
    }),
    expect: { otherWorkspace: 'ok' },
  },
  apiTokens: { call: () => ({ query: '{ apiTokens { id } }' }), expect: { otherWorkspace: 'ok' } },
  revokeApiToken: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { revokeApiToken(id: $id) }',
      variables: { id: ids.tokenA },
    }),
  },
  // Images.
  images: {
    call: () => ({ query: '{ images { nodes { id } } }' }),
    expect: { otherWorkspace: 'ok' },
  },
  image: {
    call: (ids) => ({
      query: 'query ($id: ID!) { image(id: $id) { id } }',
      variables: { id: ids.imageA },
    }),
    expect: { otherWorkspace: 'null' },
  },
  uploadImage: { write: true, call: () => ({ query: 'upload' }), expect: { otherWorkspace: 'ok' } },
  deleteImage: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { deleteImage(id: $id) }',
      variables: { id: ids.otherImageA },
    }),
  },
  // Presets.
  noisePresets: {
    call: () => ({ query: '{ noisePresets { id builtIn } }' }),
    expect: { otherWorkspace: 'ok' },
  },
  createNoisePreset: {
    write: true,
    call: () => ({
      query: 'mutation ($input: NoisePresetInput!) { createNoisePreset(input: $input) { id } }',
      variables: { input: { name: `p${Math.random()}`, level: 0.2 } },
    }),
    expect: { otherWorkspace: 'ok' },
  },
  updateNoisePreset: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { updateNoisePreset(id: $id, input: { level: 0.3 }) { id } }',
      variables: { id: ids.presetA },
    }),
  },
  deleteNoisePreset: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { deleteNoisePreset(id: $id) }',
      variables: { id: ids.presetA },
    }),
  },
  // Runs.
  quota: {
    call: () => ({ query: '{ quota { activeRuns maxActiveRuns storedBytes maxStorageBytes } }' }),
    expect: { otherWorkspace: 'ok' },
  },
  models: { call: () => ({ query: '{ models { name } }' }), expect: { otherWorkspace: 'ok' } },
  runs: {
    call: () => ({ query: `{ runs { nodes { ${RUN_FIELDS} } } }` }),
    expect: { otherWorkspace: 'ok' },
  },
  run: {
    call: (ids) => ({
      query: `query ($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`,
      variables: { id: ids.runA },
    }),
    expect: { otherWorkspace: 'null' },
  },
  createRun: {
    write: true,
    call: (ids) => ({
      query: CREATE_RUN,
      variables: {
        input: {
          model: 'taef2',
          imageIds: [ids.imageA, ids.otherImageA],
          steps: 2,
          width: 64,
          height: 64,
        },
      },
    }),
    // Another workspace's images are unknown images there.
    expect: { otherWorkspace: 'BAD_USER_INPUT' },
  },
  cancelRun: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { cancelRun(id: $id) { id } }',
      variables: { id: ids.runA },
    }),
  },
  rerun: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { rerun(id: $id) { id } }',
      variables: { id: ids.runA },
    }),
  },
  deleteRun: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { deleteRun(id: $id) }',
      variables: { id: ids.runA },
    }),
  },
  tagRun: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { tagRun(id: $id, tags: ["x"]) { id } }',
      variables: { id: ids.runA },
    }),
  },
  updateRunNotes: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { updateRunNotes(id: $id, notes: "hello") { id } }',
      variables: { id: ids.runA },
    }),
  },
  untagRun: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { untagRun(id: $id, tags: ["x"]) { id } }',
      variables: { id: ids.runA },
    }),
  },
  // Reports.
  reports: {
    call: () => ({ query: '{ reports { nodes { id view } } }' }),
    expect: { otherWorkspace: 'ok' },
  },
  report: {
    call: (ids) => ({
      query: 'query ($id: ID!) { report(id: $id) { id view } }',
      variables: { id: ids.reportA },
    }),
    expect: { otherWorkspace: 'null' },
  },
  createReport: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($input: CreateReportInput!) { createReport(input: $input) { id } }',
      variables: {
        input: { name: 'r', view: { kind: 'compare', runIds: [ids.runA, ids.otherRunA] } },
      },
    }),
    // Another workspace's runs are unknown runs there.
    expect: { otherWorkspace: 'BAD_USER_INPUT' },
  },
  updateReport: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { updateReport(id: $id, input: { notes: "x" }) { id } }',
      variables: { id: ids.reportA },
    }),
  },
  deleteReport: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($id: ID!) { deleteReport(id: $id) }',
      variables: { id: ids.reportA },
    }),
  },
  // Sweeps.
  sweeps: {
    call: () => ({ query: '{ sweeps { nodes { id cells { run { id } } } } }' }),
    expect: { otherWorkspace: 'ok' },
  },
  sweep: {
    call: (ids) => ({
      query: 'query ($id: ID!) { sweep(id: $id) { id cells { run { id } } } }',
      variables: { id: ids.sweepA },
    }),
    expect: { otherWorkspace: 'null' },
  },
  createSweep: {
    write: true,
    call: (ids) => ({
      query: 'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }',
      variables: {
        input: {
          base: {
            model: 'taef2',
            imageIds: [ids.imageA, ids.otherImageA],
            steps: 2,
            width: 64,
            height: 64,
          },
          axes: [{ field: 'seed', values: [1] }],
        },
      },
    }),
    // Another workspace's images are unknown images there.
    expect: { otherWorkspace: 'BAD_USER_INPUT' },
  },
  // Subscriptions (over the WebSocket).
  runProgress: {
    call: (ids) => ({
      query: 'subscription ($id: ID!) { runProgress(runId: $id) { kind index } }',
      variables: { id: ids.runA },
    }),
  },
  runUpdates: {
    call: () => ({ query: 'subscription { runUpdates { runId } }' }),
    expect: {
      viewer: 'skip: never completes (tested below)',
      otherWorkspace: 'skip: tested below',
    },
  },
};

describe('workspace isolation on every path', () => {
  const testServer = useTestServer({
    name: 'isolation',
    workerInProcess: true,
    auth: { ...loadConfig({}).auth, signupPolicy: 'open' },
  });
  let server: RunningServer;
  let ids: Ids;
  const tokens = {} as Record<Persona | 'owner', string | null>;

  before(async () => {
    server = testServer.server;
    tokens.owner = testServer.owner.token;
    tokens.nobody = null;
    const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
    const workspaceA: string = me.workspaces[0].id;
    // The viewer's invitation is kept: accepting it again is one of the operations tried.
    const { inviteMember } = await gqlOk(
      server.url,
      'mutation ($w: ID!) { inviteMember(workspaceId: $w, role: VIEWER) { token } }',
      { w: workspaceA },
    );
    const viewerInvitation: string = inviteMember.token;
    const viewer = { email: 'viewer@example.com', password: PASSWORD, name: 'Viewer' };
    tokens.viewer = (
      await signUp(server.url, { ...viewer, invitationToken: viewerInvitation })
    ).token;
    const member = await joinWorkspace(server.url, workspaceA, 'MEMBER');
    const elsewhere = { email: 'b@example.com', password: PASSWORD, name: 'B' };
    tokens.otherWorkspace = (await signUp(server.url, elsewhere)).token;
    const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
    const [imageA, otherImageA] = imageIds;
    const input = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64, seed: 1 };
    const run = await createRun(server.url, input);
    await watchRun(server.url, run.id);
    const otherRun = await createRun(server.url, { ...input, seed: 2 });
    const report = await gqlOk(
      server.url,
      'mutation ($input: CreateReportInput!) { createReport(input: $input) { id } }',
      { input: { name: 'A report', view: { kind: 'compare', runIds: [run.id, otherRun.id] } } },
    );
    const { createSweep: sweep } = await gqlOk(
      server.url,
      'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id cells { run { id } } } }',
      { input: { base: input, axes: [{ field: 'noise.level', values: [0.1] }] } },
    );
    await watchRun(server.url, sweep.cells[0].run.id);
    const preset = await gqlOk(
      server.url,
      'mutation { createNoisePreset(input: { name: "A grain", level: 0.1 }) { id } }',
    );
    const token = await gqlOk(
      server.url,
      'mutation { createApiToken(input: { name: "A ci", role: VIEWER }) { apiToken { id } } }',
    );
    const pending = await gqlOk(
      server.url,
      'mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { id } }',
      { w: workspaceA },
    );
    ids = {
      workspaceA,
      imageA,
      otherImageA,
      runA: run.id,
      otherRunA: otherRun.id,
      sweepA: sweep.id,
      presetA: preset.createNoisePreset.id,
      reportA: report.createReport.id,
      tokenA: token.createApiToken.apiToken.id,
      memberA: member.user.id,
      usedInvitation: viewerInvitation,
      pendingInvitation: pending.inviteMember.id,
    };
  });

  async function httpCall(rule: Rule, token: string | null): Promise<GraphQLResponse> {
    const { query, variables } = rule.call(ids);
    if (query === 'upload') {
      return uploadBytes(server.url, await readFile(PHOTOS.rocket), 'rocket.jpg', 'image/jpeg', {
        'Apollo-Require-Preflight': 'true',
        ...authHeaders(server.url, { token }),
      });
    }
    return gql(server.url, query, variables, { token });
  }

  /** The first answer of a subscription: its errors, data, or how the socket closed. */
  function wsCall(rule: Rule, token: string | null): Promise<GraphQLResponse | { closed: number }> {
    const { query, variables } = rule.call(ids);
    const client = wsClient(server.url, { token });
    return new Promise<GraphQLResponse | { closed: number }>((resolve) => {
      client.subscribe(
        { query, variables },
        {
          next: (result) => resolve({ status: 200, ...(result as object) }),
          error: (error) => {
            const code = (error as { code?: number }).code;
            resolve(
              typeof code === 'number' ? { closed: code } : { status: 200, errors: error as never },
            );
          },
          complete: () => resolve({ status: 200, data: {} }),
        },
      );
    }).finally(() => client.dispose());
  }

  function expected(name: string, rule: Rule, persona: Persona): Outcome {
    const given = rule.expect?.[persona];
    if (given) return given;
    if (rule.public) return 'ok';
    if (persona === 'nobody') return 'UNAUTHENTICATED';
    if (persona === 'viewer') return rule.write ? 'FORBIDDEN' : 'ok';
    return name === 'me' || name === 'createWorkspace' ? 'ok' : 'NOT_FOUND';
  }

  test('every operation of the schema has a rule', async () => {
    const schema = await graphqlSchema();
    const operations = [
      schema.getQueryType(),
      schema.getMutationType(),
      schema.getSubscriptionType(),
    ]
      .filter((type): type is GraphQLObjectType => type !== null && type !== undefined)
      .flatMap((type) => Object.keys(type.getFields()));
    assert.deepEqual(
      [...operations].sort(),
      Object.keys(RULES).sort(),
      'add a rule for each new operation (and remove rules of removed ones)',
    );
  });

  for (const persona of ['nobody', 'otherWorkspace', 'viewer'] as const) {
    test(`${persona}: each operation is refused, empty or allowed as its rule says`, async () => {
      const subscriptions = Object.keys((await graphqlSchema()).getSubscriptionType()!.getFields());
      const failures: string[] = [];
      for (const [name, rule] of Object.entries(RULES)) {
        const outcome = expected(name, rule, persona);
        if (outcome.startsWith('skip')) continue;
        const token = tokens[persona];
        const answer = subscriptions.includes(name)
          ? await wsCall(rule, token)
          : await httpCall(rule, token);
        if ('closed' in answer) {
          if (!(outcome === 'UNAUTHENTICATED' && answer.closed === 4401))
            failures.push(`${name}: socket closed ${answer.closed}, expected ${outcome}`);
          continue;
        }
        const code = answer.errors?.[0]?.extensions?.code;
        const text = JSON.stringify(answer.data ?? null);
        if (outcome === 'ok' || outcome === 'null') {
          if (code)
            failures.push(`${name}: ${code} (${answer.errors![0]!.message}), expected ${outcome}`);
          else if (persona === 'otherWorkspace') {
            for (const id of Object.values(ids))
              if (text.includes(id)) failures.push(`${name}: the answer mentions A's ${id}`);
          }
          if (outcome === 'null' && !/^\{"\w+":null\}$/.test(text))
            failures.push(`${name}: ${text}, expected null`);
        } else if (code !== outcome) {
          failures.push(
            `${name}: ${code ?? 'no error'} (${answer.errors?.[0]?.message ?? text}), expected ${outcome}`,
          );
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  test('files and downloads: 401 without credentials, 404 for another workspace, 200 for a member or a signed URL', async () => {
    const { run } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { frames { nodes { url } } downloads { contactSheet } keyframes { url } } }',
      { id: ids.runA },
    );
    for (const signed of [
      run.frames.nodes[0].url,
      run.downloads.contactSheet,
      run.keyframes[0].url,
    ]) {
      const bare = new URL(signed, server.url).pathname;
      const status = async (path: string, token: string | null) =>
        (await fetch(server.url + path, { headers: authHeaders(server.url, { token }) })).status;
      assert.equal(await status(bare, null), 401, `${bare} without credentials`);
      assert.equal(await status(bare, tokens.otherWorkspace), 404, `${bare} for workspace B`);
      assert.equal(await status(bare, tokens.viewer), 200, `${bare} for a viewer of A`);
      assert.equal(await status(signed, null), 200, `${bare} signed, without credentials`);
      const forged = signed.replace(/sig=[^&]+/, 'sig=AAAA');
      assert.equal(await status(forged, null), 401, `${bare} with a forged signature`);
    }
  });

  test("runUpdates of workspace B never carries A's runs", async () => {
    const client = wsClient(server.url, { token: tokens.otherWorkspace });
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription { runUpdates { runId } }' },
        {
          next: (result) => {
            const runId = (result.data as { runUpdates: { runId: string } }).runUpdates.runId;
            seen.push(runId);
            if (runId === markerRunB) resolve();
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    // A's change first, then B's own: B's event arriving proves A's was filtered, not late.
    let markerRunB = '';
    await gqlOk(server.url, 'mutation ($id: ID!) { tagRun(id: $id, tags: ["seen-by-a"]) { id } }', {
      id: ids.runA,
    });
    const b1 = (await uploadPhoto(server.url, PHOTOS.astronaut, { token: tokens.otherWorkspace }))
      .id;
    const b2 = (await uploadPhoto(server.url, PHOTOS.chelsea, { token: tokens.otherWorkspace })).id;
    markerRunB = (
      await gqlOk(
        server.url,
        CREATE_RUN,
        { input: { model: 'taef2', imageIds: [b1, b2], steps: 2, width: 64, height: 64 } },
        { token: tokens.otherWorkspace },
      )
    ).createRun.id;
    await done;
    await client.dispose();
    assert.ok(!seen.includes(ids.runA), `B saw ${seen.join(', ')}`);
  });
});

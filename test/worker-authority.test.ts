// A render job uses its run's creator's authority when it starts the run, not only when the run
// was queued: a run whose creator was removed from the workspace, or made a viewer, while it
// waited ends FAILED with a message that says why, having rendered nothing; so does one whose
// creator's account was deleted (by an operator: the product has no account deletion, and the run
// keeps a null creator). The runs are queued while no worker runs, so every change of role is in
// before any pick-up.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  createRun,
  gqlOk,
  joinWorkspace,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';
import { sample } from './helpers/metrics.ts';

const REMOVE = 'mutation ($w: ID!, $u: ID!) { removeMember(workspaceId: $w, userId: $u) }';
const SET_ROLE = `mutation ($w: ID!, $u: ID!, $r: Role!) { updateMemberRole(workspaceId: $w, userId: $u, role: $r) { role } }`;

describe('a queued run starts only while its creator may create runs', () => {
  let testServer: TestServer;

  before(async () => {
    testServer = await startTestServer({ name: 'creator_authority' });
  });
  after(async () => {
    await testServer?.close();
  });

  test(
    "a removed member's run, a new viewer's and a deleted account's end FAILED unrendered when a worker picks them up; the owner's and a member's render",
    { timeout: 180_000 },
    async () => {
      let server = testServer.server;
      const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
      const w = me.workspaces[0].id as string;
      const [member, removed, demoted, deleted] = [
        await joinWorkspace(server.url, w, 'MEMBER'),
        await joinWorkspace(server.url, w, 'MEMBER'),
        await joinWorkspace(server.url, w, 'MEMBER'),
        await joinWorkspace(server.url, w, 'MEMBER'),
      ];
      const imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
      const input = { model: 'taef2', imageIds, steps: 2, width: 32, height: 32 };
      const runOf = async (token?: string) =>
        String((await createRun(server.url, input, token ? { token, workspaceId: w } : {})).id);
      const runs = {
        owner: await runOf(),
        member: await runOf(member.token),
        removed: await runOf(removed.token),
        demoted: await runOf(demoted.token),
        deleted: await runOf(deleted.token),
      };
      await gqlOk(server.url, REMOVE, { w, u: removed.user.id });
      await gqlOk(server.url, SET_ROLE, { w, u: demoted.user.id, r: 'VIEWER' });
      const admin = new pg.Client({ connectionString: testServer.database.url });
      await admin.connect();
      try {
        await admin.query('DELETE FROM "User" WHERE id = $1', [deleted.user.id]);
      } finally {
        await admin.end();
      }

      server = await testServer.restart({ workerInProcess: true });
      const ended = Object.fromEntries(
        await Promise.all(
          Object.entries(runs).map(async ([who, id]) => [who, await watchRun(server.url, id)]),
        ),
      ) as Record<keyof typeof runs, Awaited<ReturnType<typeof watchRun>>>;
      for (const who of ['owner', 'member'] as const)
        assert.equal(ended[who].at(-1)?.status, 'SUCCEEDED', `the ${who}'s run renders`);
      // The deleted account's run keeps no creator; the others keep theirs.
      const creators = { removed: removed.user.id, demoted: demoted.user.id, deleted: null };
      for (const who of ['removed', 'demoted', 'deleted'] as const) {
        const last = ended[who].at(-1);
        assert.equal(last?.status, 'FAILED', `the ${who} member's run does not render`);
        assert.match(
          last?.error ?? '',
          /no longer a member of the workspace, or can no longer create runs/,
        );
        assert.equal(ended[who].filter((event) => event.kind === 'FRAME').length, 0);
        const { run } = await gqlOk(
          server.url,
          'query ($id: ID!) { run(id: $id) { status framesDone createdBy { id } } }',
          { id: runs[who] },
        );
        assert.deepEqual(
          { status: run.status, framesDone: run.framesDone, creator: run.createdBy?.id ?? null },
          { status: 'FAILED', framesDone: 0, creator: creators[who] },
        );
      }
      const metrics = await (await fetch(new URL('/metrics', server.url))).text();
      assert.equal(sample(metrics, 'latent_lab_runs_finished_total', 'status="FAILED"'), 3);
    },
  );
});

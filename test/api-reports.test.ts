// Saved reports over the real API: create, read, list, update and delete; every member reads them
// (viewers too), members change only their own, admins anyone's, another workspace sees nothing;
// a view naming another workspace's run or sweep, a frame past the runs, a tab past a sweep's third
// axis or an unknown field is refused with the field at fault and nothing is stored. A sweep's grid
// view is saved and read back like a comparison.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import {
  createRun,
  gql,
  gqlOk,
  joinWorkspace,
  PASSWORD,
  signUp,
  uploadPhotos,
  useTestServer,
  type As,
  type Credentials,
  type GraphQLResponse,
} from './helpers/api.ts';

const REPORT_FIELDS = 'id name notes view createdAt updatedAt createdBy { id name }';
const CREATE = `mutation ($input: CreateReportInput!) { createReport(input: $input) { ${REPORT_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateReportInput!) { updateReport(id: $id, input: $input) { ${REPORT_FIELDS} } }`;
const DELETE = 'mutation ($id: ID!) { deleteReport(id: $id) }';
const GET = `query ($id: ID!) { report(id: $id) { ${REPORT_FIELDS} } }`;
const LIST = `query ($first: Int, $after: String) { reports(first: $first, after: $after) { totalCount hasNextPage endCursor nodes { id name } } }`;
const CREATE_SWEEP = 'mutation ($input: CreateSweepInput!) { createSweep(input: $input) { id } }';
const STEPS = 6;

describe('saved reports', () => {
  const testServer = useTestServer({
    name: 'reports',
    auth: { ...loadConfig({}).auth, signupPolicy: 'open' },
  });
  let url: string;
  let runIds: string[];
  let viewer: Credentials;
  let member: Credentials;
  let otherMember: Credentials;
  let admin: Credentials;
  let outsider: Credentials;
  let outsiderRun: string;
  let sweepId: string;
  let outsiderSweep: string;

  /** A comparison of the first two runs, with these settings. */
  const compare = (settings: Record<string, unknown> = {}) => ({
    kind: 'compare',
    runIds: runIds.slice(0, 2),
    ...settings,
  });

  /** A view of the 2x2 sweep (no third axis), with these settings. */
  const sweep = (settings: Record<string, unknown> = {}) => ({
    kind: 'sweep',
    sweepId,
    ...settings,
  });

  async function reportCount(as: As = {}): Promise<number> {
    return (await gqlOk(url, LIST, { first: 100 }, as)).reports.totalCount as number;
  }

  function error(result: GraphQLResponse) {
    assert.ok(result.errors?.length, `expected an error, got ${JSON.stringify(result.data)}`);
    return result.errors[0]!;
  }

  before(async () => {
    url = testServer.server.url;
    const { me } = await gqlOk(url, '{ me { workspaces { id } } }');
    const workspace: string = me.workspaces[0].id;
    viewer = await joinWorkspace(url, workspace, 'VIEWER');
    member = await joinWorkspace(url, workspace, 'MEMBER');
    otherMember = await joinWorkspace(url, workspace, 'MEMBER');
    admin = await joinWorkspace(url, workspace, 'ADMIN');
    const imageIds = await uploadPhotos(url, ['chelsea', 'coffee']);
    // Queued runs are enough: a report names runs, it does not need their frames.
    runIds = [];
    for (const seed of [1, 2, 3])
      runIds.push(
        (
          await createRun(url, {
            model: 'taef2',
            imageIds,
            steps: STEPS,
            width: 64,
            height: 64,
            seed,
          })
        ).id as string,
      );
    outsider = await signUp(url, {
      email: 'outsider@example.com',
      password: PASSWORD,
      name: 'Out',
    });
    const outsiderImages = await uploadPhotos(url, ['astronaut', 'rocket'], {
      token: outsider.token,
    });
    outsiderRun = (
      await createRun(
        url,
        { model: 'taef2', imageIds: outsiderImages, steps: 2, width: 64, height: 64 },
        { token: outsider.token },
      )
    ).id as string;
    // Queued sweeps, like the runs: a report names the sweep, not its frames.
    const base = { model: 'taef2', imageIds, steps: STEPS, width: 64, height: 64, seed: 4 };
    sweepId = (
      await gqlOk(url, CREATE_SWEEP, {
        input: {
          base,
          axes: [
            { field: 'method', values: ['LERP', 'SLERP'] },
            { field: 'noise.level', values: [0, 0.5] },
          ],
        },
      })
    ).createSweep.id as string;
    outsiderSweep = (
      await gqlOk(
        url,
        CREATE_SWEEP,
        {
          input: {
            base: { model: 'taef2', imageIds: outsiderImages, steps: 2, width: 64, height: 64 },
            axes: [{ field: 'method', values: ['LERP', 'SLERP'] }],
          },
        },
        { token: outsider.token },
      )
    ).createSweep.id as string;
  });

  test('a member saves a comparison; every member of the workspace reads the same view', async () => {
    const view = compare({ frame: 3, mode: 'diff', pair: { a: 1, b: 0 }, wipe: 0.3, gain: 8 });
    const { createReport } = await gqlOk(
      url,
      CREATE,
      { input: { name: '  Seeds 1 and 2  ', notes: 'Seed **2** is smoother.', view } },
      { token: member.token },
    );
    assert.equal(createReport.name, 'Seeds 1 and 2', 'the name is trimmed');
    assert.equal(createReport.createdBy.id, member.user.id);
    // Omitted settings are stored with the compare page's defaults.
    assert.deepEqual(createReport.view, { ...view, opacity: 0.5 });
    for (const token of [viewer.token, admin.token, otherMember.token, undefined]) {
      const { report } = await gqlOk(url, GET, { id: createReport.id }, { token });
      assert.deepEqual(report, createReport);
    }
    const { reports } = await gqlOk(url, LIST, { first: 10 }, { token: viewer.token });
    assert.ok(reports.nodes.some((r: { id: string }) => r.id === createReport.id));
  });

  test("a member saves a sweep's grid view; a viewer reads it back, defaults filled in", async () => {
    const view = sweep({ frame: 4, metric: 'CHANGE_CV', by: 1 });
    const { createReport } = await gqlOk(
      url,
      CREATE,
      { input: { name: 'Noise by method', view } },
      { token: member.token },
    );
    assert.deepEqual(createReport.view, { ...view, tab: 0 });
    const { report } = await gqlOk(url, GET, { id: createReport.id }, { token: viewer.token });
    assert.deepEqual(report, createReport);

    const { createReport: plain } = await gqlOk(
      url,
      CREATE,
      { input: { name: 'As the sweep page opens', view: sweep() } },
      { token: member.token },
    );
    assert.deepEqual(plain.view, { ...sweep(), tab: 0, frame: 0, metric: 'MEAN_CHANGE', by: 0 });
    // A report's view changes kind with an update.
    const { updateReport } = await gqlOk(
      url,
      UPDATE,
      { id: plain.id, input: { view: compare() } },
      { token: member.token },
    );
    assert.equal(updateReport.view.kind, 'compare');
  });

  test('a viewer reads but cannot save, change or delete', async () => {
    const { createReport: report } = await gqlOk(
      url,
      CREATE,
      { input: { name: 'for viewers', view: compare() } },
      { token: member.token },
    );
    const before = await reportCount();
    const created = await gql(
      url,
      CREATE,
      { input: { name: 'mine', view: compare() } },
      { token: viewer.token },
    );
    assert.equal(error(created).extensions?.code, 'FORBIDDEN');
    const updated = await gql(
      url,
      UPDATE,
      { id: report.id, input: { name: 'x' } },
      { token: viewer.token },
    );
    assert.equal(error(updated).extensions?.code, 'FORBIDDEN');
    const deleted = await gql(url, DELETE, { id: report.id }, { token: viewer.token });
    assert.equal(error(deleted).extensions?.code, 'FORBIDDEN');
    assert.equal(await reportCount(), before, 'nothing stored');
    const { report: after } = await gqlOk(url, GET, { id: report.id });
    assert.equal(after.name, 'for viewers');
  });

  test("a member cannot change another member's report; its author and an admin can", async () => {
    const { createReport: report } = await gqlOk(
      url,
      CREATE,
      { input: { name: 'draft', view: compare() } },
      { token: member.token },
    );
    const refused = await gql(
      url,
      UPDATE,
      { id: report.id, input: { notes: 'mine now' } },
      { token: otherMember.token },
    );
    assert.equal(error(refused).extensions?.code, 'FORBIDDEN');
    const refusedDelete = await gql(url, DELETE, { id: report.id }, { token: otherMember.token });
    assert.equal(error(refusedDelete).extensions?.code, 'FORBIDDEN');

    const byAuthor = await gqlOk(
      url,
      UPDATE,
      { id: report.id, input: { name: 'final', view: compare({ mode: 'wipe', wipe: 0.25 }) } },
      { token: member.token },
    );
    assert.equal(byAuthor.updateReport.name, 'final');
    assert.equal(byAuthor.updateReport.notes, '', 'an omitted field keeps its value');
    assert.equal(byAuthor.updateReport.view.wipe, 0.25);
    assert.ok(byAuthor.updateReport.updatedAt >= report.updatedAt);

    const byAdmin = await gqlOk(
      url,
      UPDATE,
      { id: report.id, input: { notes: 'Checked.' } },
      { token: admin.token },
    );
    assert.equal(byAdmin.updateReport.notes, 'Checked.');
    assert.equal(byAdmin.updateReport.name, 'final');
    assert.equal(byAdmin.updateReport.createdBy.id, member.user.id, 'the author stays');

    assert.equal(
      (await gqlOk(url, DELETE, { id: report.id }, { token: admin.token })).deleteReport,
      true,
    );
    assert.equal((await gqlOk(url, GET, { id: report.id })).report, null);
    const again = await gql(url, DELETE, { id: report.id }, { token: admin.token });
    assert.equal(error(again).extensions?.code, 'NOT_FOUND');
  });

  test('another workspace sees none of the reports and cannot change them', async () => {
    const { createReport: report } = await gqlOk(url, CREATE, {
      input: { name: 'ours', view: compare() },
    });
    const as = { token: outsider.token };
    assert.equal((await gqlOk(url, GET, { id: report.id }, as)).report, null);
    const { reports } = await gqlOk(url, LIST, { first: 100 }, as);
    assert.deepEqual(reports, { totalCount: 0, hasNextPage: false, endCursor: null, nodes: [] });
    for (const call of [
      gql(url, UPDATE, { id: report.id, input: { name: 'theirs' } }, as),
      gql(url, DELETE, { id: report.id }, as),
    ]) {
      const refused = error(await call);
      assert.equal(refused.extensions?.code, 'NOT_FOUND');
      assert.equal(refused.extensions?.field, 'id');
    }
    assert.equal((await gqlOk(url, GET, { id: report.id })).report.name, 'ours');
  });

  test("a view naming another workspace's run is refused with the field; nothing is stored", async () => {
    const before = await reportCount();
    const view = { kind: 'compare', runIds: [runIds[0], outsiderRun] };
    const refused = error(await gql(url, CREATE, { input: { name: 'leak', view } }));
    assert.equal(refused.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(refused.extensions?.field, 'view.runIds[1]');
    assert.match(refused.message, /no run .* in this workspace/);
    // The run's owner gets the same answer about ours: neither learns the other's runs exist.
    const theirs = error(
      await gql(
        url,
        CREATE,
        { input: { name: 'peek', view: { kind: 'compare', runIds: [outsiderRun, runIds[0]] } } },
        { token: outsider.token },
      ),
    );
    assert.equal(theirs.extensions?.field, 'view.runIds[1]');
    assert.equal(await reportCount(), before);
    assert.equal(await reportCount({ token: outsider.token }), 0);

    // Nor can an update point an existing report at it.
    const { createReport: report } = await gqlOk(url, CREATE, {
      input: { name: 'kept', view: compare({ frame: 1 }) },
    });
    const update = error(
      await gql(url, UPDATE, { id: report.id, input: { name: 'changed', view } }),
    );
    assert.equal(update.extensions?.field, 'view.runIds[1]');
    const { report: kept } = await gqlOk(url, GET, { id: report.id });
    assert.deepEqual([kept.name, kept.view], [report.name, report.view]);
  });

  test("a view naming another workspace's sweep is refused on view.sweepId; nothing is stored", async () => {
    const before = await reportCount();
    const refused = error(
      await gql(url, CREATE, {
        input: { name: 'leak', view: { kind: 'sweep', sweepId: outsiderSweep } },
      }),
    );
    assert.equal(refused.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(refused.extensions?.field, 'view.sweepId');
    assert.match(refused.message, /no sweep .* in this workspace/);
    // An unknown id reads the same: another workspace's sweep is not told apart from none.
    const unknown = error(
      await gql(url, CREATE, {
        input: { name: 'none', view: sweep({ sweepId: '00000000-0000-4000-8000-000000000000' }) },
      }),
    );
    assert.equal(unknown.extensions?.field, 'view.sweepId');
    assert.equal(
      unknown.message.replace(/[0-9a-f-]{36}/, 'ID'),
      refused.message.replace(/[0-9a-f-]{36}/, 'ID'),
    );
    const { createReport: report } = await gqlOk(url, CREATE, {
      input: { name: 'kept sweep', view: sweep() },
    });
    const update = error(
      await gql(url, UPDATE, {
        id: report.id,
        input: { view: { kind: 'sweep', sweepId: outsiderSweep } },
      }),
    );
    assert.equal(update.extensions?.field, 'view.sweepId');
    assert.deepEqual((await gqlOk(url, GET, { id: report.id })).report.view, report.view);
    assert.equal(await reportCount(), before + 1);
    assert.equal(await reportCount({ token: outsider.token }), 0);
  });

  test('bad sweep views get typed errors naming the field; nothing is stored', async () => {
    const before = await reportCount();
    const cases: [unknown, string, RegExp][] = [
      [sweep({ zoom: 2 }), 'view', /unknown field\(s\) zoom/],
      [{ kind: 'sweep' }, 'view.sweepId', /must be a sweep id/],
      [sweep({ sweepId: 'x'.repeat(5000) }), 'view.sweepId', /at most 64 characters, got 5000/],
      [sweep({ metric: 'SHARPNESS' }), 'view.metric', /MEAN_CHANGE, .*got "SHARPNESS"/],
      [sweep({ tab: -1 }), 'view.tab', /integer from 0/],
      [sweep({ by: 3 }), 'view.by', /integer from 0 to 2, got 3/],
      // Checked against the sweep: it has two axes (no tabs) of runs of STEPS frames.
      [sweep({ tab: 1 }), 'view.tab', /must be 0 \(this sweep has no third axis\), got 1/],
      [sweep({ by: 2 }), 'view.by', /from 0 to 1 \(one of the sweep's axes\), got 2/],
      [sweep({ frame: STEPS }), 'view.frame', new RegExp(`from 0 to ${STEPS - 1}`)],
    ];
    for (const [view, field, message] of cases) {
      const refused = error(await gql(url, CREATE, { input: { name: 'bad', view } }));
      assert.equal(refused.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(view).slice(0, 200));
      assert.equal(refused.extensions?.field, field, JSON.stringify(view).slice(0, 200));
      assert.match(refused.message, message);
    }
    assert.equal(await reportCount(), before);
  });

  test('bad views get typed errors naming the problem; nothing is stored', async () => {
    const before = await reportCount();
    const cases: [unknown, string, RegExp][] = [
      [compare({ zoom: 2 }), 'view', /unknown field\(s\) zoom/],
      [{ kind: 'grid', runIds: runIds.slice(0, 2) }, 'view.kind', /must be one of compare/],
      ['compare', 'view', /must be an object with a kind/],
      [compare({ runIds: runIds.slice(0, 1) }), 'view.runIds', /2 to 4 runs, got 1/],
      [compare({ runIds: [runIds[0], runIds[0]] }), 'view.runIds[1]', /already compared/],
      [
        compare({ runIds: [runIds[0], 'x'.repeat(5000)] }),
        'view.runIds[1]',
        /at most 64 characters, got 5000/,
      ],
      [compare({ mode: 'blend' }), 'view.mode', /side, wipe, onion, diff/],
      [compare({ wipe: 1.5 }), 'view.wipe', /from 0 to 1, got 1.5/],
      [compare({ gain: 3 }), 'view.gain', /1, 2, 4, 8, 16, got 3/],
      [compare({ pair: { a: 0, b: 2 } }), 'view.pair.b', /one of the 2 runs/],
      [compare({ pair: { a: 1, b: 1 } }), 'view.pair.b', /differ/],
      // One step per frame of the longest run: STEPS frames are positions 0 to STEPS - 1.
      [compare({ frame: STEPS }), 'view.frame', new RegExp(`from 0 to ${STEPS - 1}`)],
    ];
    for (const [view, field, message] of cases) {
      const refused = error(await gql(url, CREATE, { input: { name: 'bad', view } }));
      assert.equal(refused.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(view));
      assert.equal(refused.extensions?.field, field, JSON.stringify(view));
      assert.match(refused.message, message);
    }
    const noName = error(await gql(url, CREATE, { input: { name: '  ', view: compare() } }));
    assert.equal(noName.extensions?.field, 'name');
    const longNotes = error(
      await gql(url, CREATE, { input: { name: 'n', notes: 'x'.repeat(4001), view: compare() } }),
    );
    assert.equal(longNotes.extensions?.field, 'notes');
    assert.equal(await reportCount(), before);
  });

  test('reports page newest first with a cursor', async () => {
    const names = ['page 1', 'page 2', 'page 3'];
    for (const name of names) await gqlOk(url, CREATE, { input: { name, view: compare() } });
    const first = (await gqlOk(url, LIST, { first: 2 })).reports;
    assert.deepEqual(
      first.nodes.map((r: { name: string }) => r.name),
      ['page 3', 'page 2'],
    );
    assert.equal(first.hasNextPage, true);
    const second = (await gqlOk(url, LIST, { first: 1, after: first.endCursor })).reports;
    assert.deepEqual(
      second.nodes.map((r: { name: string }) => r.name),
      ['page 1'],
    );
    const tooMany = error(await gql(url, LIST, { first: 1000 }));
    assert.equal(tooMany.extensions?.field, 'first');
  });
});

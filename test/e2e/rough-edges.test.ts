// Rough edges of the dashboard, each checked in Chromium against the real server (or through the
// API where the edge is the server's answer): notes that only their editors may edit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRun, gqlOk, joinWorkspace, uploadPhotos } from '../helpers/api.ts';
import { closeDashboard, newSignedInContext, openDashboard } from './browser.ts';

const dashboard = await openDashboard({ name: 'e2eedges' });
const { server, browser, page, pageErrors } = dashboard;

describe('dashboard rough edges in Chromium', () => {
  let workspaceId = '';
  let imageIds: string[] = [];

  before(async () => {
    const { me } = await gqlOk(server.url, '{ me { workspaces { id } } }');
    workspaceId = me.workspaces[0].id;
    imageIds = await uploadPhotos(server.url, ['chelsea', 'coffee']);
  });

  after(async () => {
    await closeDashboard(dashboard);
    assert.deepEqual(pageErrors, []);
  });

  test('notes are read-only, with no edit control, for viewers and for members on runs not theirs', async () => {
    const run = await createRun(server.url, {
      model: 'taef2',
      imageIds,
      steps: 2,
      width: 64,
      height: 64,
    });
    await gqlOk(
      server.url,
      'mutation ($id: ID!, $n: String!) { updateRunNotes(id: $id, notes: $n) { id } }',
      {
        id: run.id,
        n: 'Owner **notes**',
      },
    );
    const notesPanel = (p: typeof page) => p.getByRole('region', { name: 'Notes' });

    // The owner may edit: the control is there.
    await page.goto(`/runs/${String(run.id)}`);
    await notesPanel(page).locator('strong', { hasText: 'notes' }).waitFor();
    await notesPanel(page).getByRole('button', { name: 'Edit notes' }).waitFor();

    for (const role of ['VIEWER', 'MEMBER']) {
      const person = await joinWorkspace(server.url, workspaceId, role);
      const context = await newSignedInContext(browser, server.url, person.token);
      try {
        const other = await context.newPage();
        other.on('pageerror', (error) => pageErrors.push(error.message));
        await other.goto(`/runs/${String(run.id)}`);
        await notesPanel(other).locator('strong', { hasText: 'notes' }).waitFor();
        assert.equal(
          await notesPanel(other).getByRole('button').count(),
          0,
          `${role}: no controls`,
        );
        assert.equal(await notesPanel(other).locator('textarea').count(), 0);
      } finally {
        await context.close();
      }
    }
  });
});

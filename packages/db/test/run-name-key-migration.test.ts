// The run_name_key migration gives every existing run its lowercased name as the sort key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beforeMigration, OLD_RUN, OLD_WORKSPACE } from './migration-steps.ts';

test('run_name_key backfills nameKey of existing runs with the lowercased name', async () => {
  const { db, applyMigration } = await beforeMigration('run_name_key');
  try {
    await db.query(
      `INSERT INTO "Run" (id, "workspaceId", name, model, params) VALUES ($1, $2, 'Old RUN', 'taef2', '{}')`,
      [OLD_RUN, OLD_WORKSPACE],
    );
    await applyMigration();
    const { rows } = await db.query<{ nameKey: string }>(
      `SELECT "nameKey" FROM "Run" WHERE id = $1`,
      [OLD_RUN],
    );
    assert.deepEqual(rows, [{ nameKey: 'old run' }]);
  } finally {
    await db.close();
  }
});

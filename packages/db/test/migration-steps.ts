// Tests of one migration's data step: a fresh in-memory PGlite with every migration before it
// applied by hand, rows stored the old way, then the migration itself.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrationsDir } from '../src/schema-engine.ts';

export const OLD_WORKSPACE = '00000000-0000-4000-8000-000000000001';
export const OLD_RUN = '00000000-0000-4000-8000-000000000002';

/** A PGlite at the migration just before `migration` (its folder name without the timestamp). */
export async function beforeMigration(
  migration: string,
): Promise<{ db: PGlite; applyMigration: () => Promise<void> }> {
  const folders = (await readdir(migrationsDir)).filter((name) => /^\d+_/.test(name)).sort();
  const target = folders.findIndex((name) => name.endsWith(`_${migration}`));
  assert.ok(target > 0, `${migration} is among the migrations`);
  const sql = (folder: string) => readFile(join(migrationsDir, folder, 'migration.sql'), 'utf8');
  const db = await PGlite.create();
  for (const folder of folders.slice(0, target)) await db.exec(await sql(folder));
  await db.query(`INSERT INTO "Workspace" (id, name) VALUES ($1, 'w')`, [OLD_WORKSPACE]);
  return {
    db,
    applyMigration: async () => {
      await db.exec(await sql(folders[target]!));
    },
  };
}

// The run_params_json migration moves every existing run's option columns into the params value:
// the migrations are applied by hand up to the one before, a run is stored the old way, and the
// last migration must carry every value across.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { migrationsDir } from '../src/schema-engine.ts';

const MIGRATION = 'run_params_json';

test('run_params_json moves the option columns of existing runs into params', async () => {
  const folders = (await readdir(migrationsDir)).filter((name) => /^\d+_/.test(name)).sort();
  const target = folders.findIndex((name) => name.endsWith(`_${MIGRATION}`));
  assert.ok(target > 0, `${MIGRATION} is among the migrations`);
  const sql = (folder: string) => readFile(join(migrationsDir, folder, 'migration.sql'), 'utf8');
  const db = await PGlite.create();
  try {
    for (const folder of folders.slice(0, target)) await db.exec(await sql(folder));
    const workspace = '00000000-0000-4000-8000-000000000001';
    const run = '00000000-0000-4000-8000-000000000002';
    await db.query(`INSERT INTO "Workspace" (id, name) VALUES ($1, 'w')`, [workspace]);
    await db.query(
      `INSERT INTO "Run" (id, "workspaceId", name, model, steps, method, easing, width, height, fit,
         precision, "noiseLevel", "noiseMode", "noiseSchedule", "noiseShared", seed, fps, loop)
       VALUES ($1, $2, 'old', 'taef2', 12, 'slerp', 'ease-in', 256, 128, 'contain', 'fp32',
         0.25, 'relative', 'bell', true, 4294967295, 24, 'ping-pong')`,
      [run, workspace],
    );
    await db.exec(await sql(folders[target]!));
    const { rows } = await db.query<{ model: string; params: unknown }>(
      `SELECT model, params FROM "Run" WHERE id = $1`,
      [run],
    );
    assert.deepEqual(rows[0], {
      model: 'taef2',
      params: {
        steps: 12,
        method: 'slerp',
        easing: 'ease-in',
        width: 256,
        height: 128,
        fit: 'contain',
        precision: 'fp32',
        seed: 4294967295,
        noise: { level: 0.25, mode: 'relative', schedule: 'bell', shared: true },
        animation: { fps: 24, loop: 'ping-pong' },
      },
    });
    const columns = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Run'`,
    );
    const names = columns.rows.map((row) => row.column_name);
    for (const gone of ['steps', 'method', 'noiseLevel', 'seed', 'fps'])
      assert.ok(!names.includes(gone), `${gone} is dropped`);
  } finally {
    await db.close();
  }
});

// The run_params_json migration moves every existing run's option columns into the params value:
// the migrations are applied by hand up to the one before, a run is stored the old way, and the
// last migration must carry every value across.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beforeMigration, OLD_RUN, OLD_WORKSPACE } from './migration-steps.ts';

test('run_params_json moves the option columns of existing runs into params', async () => {
  const { db, applyMigration } = await beforeMigration('run_params_json');
  try {
    await db.query(
      `INSERT INTO "Run" (id, "workspaceId", name, model, steps, method, easing, width, height, fit,
         precision, "noiseLevel", "noiseMode", "noiseSchedule", "noiseShared", seed, fps, loop)
       VALUES ($1, $2, 'old', 'taef2', 12, 'slerp', 'ease-in', 256, 128, 'contain', 'fp32',
         0.25, 'relative', 'bell', true, 4294967295, 24, 'ping-pong')`,
      [OLD_RUN, OLD_WORKSPACE],
    );
    await applyMigration();
    const { rows } = await db.query<{ model: string; params: unknown }>(
      `SELECT model, params FROM "Run" WHERE id = $1`,
      [OLD_RUN],
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

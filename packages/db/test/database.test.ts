import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILT_IN_PRESETS, DbError, listPresets, type Database } from '../src/index.ts';
import { LISTENER_APPLICATION_NAME } from '../src/database.ts';
import { describeEachMode } from './databases.ts';
import { prismaOf } from '../src/client.ts';

async function appliedMigrations(
  db: Database,
): Promise<{ migration_name: string; finished: boolean }[]> {
  return prismaOf(db.client).$queryRawUnsafe(
    'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name',
  );
}

/** Resolves with the first payload the listener receives, or rejects after a while. */
function nextPayload(
  db: Database,
  channel: string,
): Promise<{ payload: Promise<string>; stop: () => Promise<void> }> {
  let received: (payload: string) => void = () => {};
  const payload = new Promise<string>((resolve, reject) => {
    received = resolve;
    setTimeout(() => reject(new Error(`no notification on ${channel}`)), 5000).unref();
  });
  return db.listen(channel, (text) => received(text)).then((stop) => ({ payload, stop }));
}

describeEachMode('openDatabase', (context) => {
  test('applies the migrations to an empty database and records them in _prisma_migrations', async () => {
    const { db } = context();
    const applied = await appliedMigrations(db);
    assert.ok(applied.length >= 1);
    assert.ok(applied.every((migration) => migration.finished));
    assert.equal(applied[0]?.migration_name.endsWith('_init'), true);
    console.log(
      `first open of a fresh ${db.mode} database (migrate + seed): ${Math.round(context().firstOpenMs)} ms`,
    );
  });

  test('seeds the built-in presets', async () => {
    // A workspace id nobody has: only the built-ins are listed.
    const presets = await listPresets(context().db.client, '00000000-0000-4000-8000-000000000000');
    const builtIns = presets.filter((preset) => preset.builtIn);
    assert.equal(builtIns.length, presets.length);
    assert.deepEqual(
      builtIns.map((preset) => preset.name).sort(),
      BUILT_IN_PRESETS.map((preset) => preset.name).sort(),
    );
    const none = builtIns.find((preset) => preset.name === 'none');
    assert.equal(none?.level, 0);
    assert.equal(none?.mode, 'absolute');
    assert.equal(none?.schedule, 'constant');
    assert.equal(none?.shared, false);
  });

  test('reopening applies nothing twice and seeds nothing twice', async () => {
    const before = await appliedMigrations(context().db);
    const db = await context().reopen();
    assert.deepEqual(await appliedMigrations(db), before);
    assert.equal(await prismaOf(db.client).noisePreset.count(), BUILT_IN_PRESETS.length);
  });

  test('reports its mode and how pg-boss should connect', () => {
    const { db } = context();
    if (db.mode === 'postgres') {
      assert.match(db.connectionString ?? '', /^postgres(ql)?:\/\//);
      assert.equal(db.bossDb, null);
    } else {
      assert.equal(db.connectionString, null);
      assert.ok(db.bossDb);
    }
  });

  test('LISTEN/NOTIFY round trip, including a channel name that needs quoting', async () => {
    const { db } = context();
    for (const channel of ['run_events', 'Run-Events:42']) {
      const payload = JSON.stringify({ runId: 'r1', index: 3, channel });
      const listener = await nextPayload(db, channel);
      await db.notify(channel, payload);
      assert.equal(await listener.payload, payload);
      await listener.stop();
    }
  });

  test('every listener of a channel gets the payload, and a stopped one no longer does', async () => {
    const { db } = context();
    const seen: string[] = [];
    const stopFirst = await db.listen('fan_out', (payload) => seen.push(`first:${payload}`));
    const second = await nextPayload(db, 'fan_out');
    await db.notify('fan_out', 'one');
    assert.equal(await second.payload, 'one');
    assert.deepEqual(seen, ['first:one']);
    await stopFirst();
    const third = await nextPayload(db, 'fan_out');
    await db.notify('fan_out', 'two');
    assert.equal(await third.payload, 'two');
    assert.deepEqual(seen, ['first:one']);
    await second.stop();
    await third.stop();
  });

  test('listeners survive a lost LISTEN connection (postgres mode)', async (t) => {
    const { db } = context();
    if (db.mode !== 'postgres') {
      t.skip('pglite mode: listeners are in-process');
      return;
    }
    const received: string[] = [];
    const stop = await db.listen('survivor', (payload) => received.push(payload));
    const [row] = await prismaOf(db.client).$queryRawUnsafe<{ terminated: number }[]>(
      'SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      LISTENER_APPLICATION_NAME,
    );
    assert.equal(row?.terminated, 1);
    // Notifications sent while the connection is down are lost: keep sending until one arrives.
    for (let attempt = 0; attempt < 100 && received.length === 0; attempt++) {
      await db.notify('survivor', `after-${attempt}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(received[0] ?? '', /^after-\d+$/);
    await stop();
  });

  test('notify refuses payloads of 8000 bytes or more and bad channel names', async () => {
    const { db } = context();
    await assert.rejects(
      db.notify('run_events', 'x'.repeat(8000)),
      (error: unknown) =>
        error instanceof DbError &&
        error.code === 'INVALID_INPUT' &&
        /8000|7999/.test(error.message),
    );
    await assert.rejects(
      db.listen('bad"name', () => {}),
      (error: unknown) => error instanceof DbError && error.field === 'channel',
    );
  });

  test('bossDb runs multi-statement and parameterised SQL (pglite mode)', async (t) => {
    const { db } = context();
    if (!db.bossDb) {
      t.skip('postgres mode: pg-boss connects with connectionString');
      return;
    }
    await db.bossDb.executeSql(
      'CREATE SCHEMA boss_probe; CREATE TABLE boss_probe.job (id int PRIMARY KEY, name text)',
    );
    await db.bossDb.executeSql('INSERT INTO boss_probe.job VALUES ($1, $2), ($3, $4)', [
      1,
      'a',
      2,
      'b',
    ]);
    const { rows } = await db.bossDb.executeSql(
      'SELECT name FROM boss_probe.job WHERE id > $1 ORDER BY id',
      [0],
    );
    assert.deepEqual(
      rows.map((row) => row.name),
      ['a', 'b'],
    );
    // pg-boss's batches: the rows of every statement, as node-postgres gives them.
    const batch = await db.bossDb.executeSql(
      "BEGIN; SELECT name FROM boss_probe.job WHERE id = 2; SELECT 'done' AS walk; COMMIT",
    );
    assert.deepEqual(batch.rows, [{ name: 'b' }, { walk: 'done' }]);
    await db.bossDb.executeSql('DROP SCHEMA boss_probe CASCADE');
  });
});

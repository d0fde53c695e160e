// Accounts and workspaces in the data layer: every image, run and preset belongs to one workspace
// and is invisible from the others; owners, invitations, API tokens and server secrets; and the
// migration that moves the data from before workspaces into one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { createTestDatabase } from '../../../test/helpers/postgres.ts';
import {
  acceptInvitation,
  addMember,
  changeMember,
  countRuns,
  createApiToken,
  createInvitation,
  createOrGetImage,
  createPreset,
  createRun,
  deleteApiToken,
  deleteImage,
  deletePreset,
  findApiToken,
  findOwnerlessWorkspace,
  getImage,
  getImageBySha256,
  getImages,
  getMembership,
  getPreset,
  getPresetByName,
  getRun,
  getRuns,
  listApiTokens,
  listImages,
  listMembers,
  listPresets,
  listRuns,
  openDatabase,
  serverSecret,
  storageBytes,
  updatePreset,
} from '../src/index.ts';
import { applyMigrations, migrationsDir, runningScriptsWith } from '../src/schema-engine.ts';
import {
  addScope,
  addUser,
  dbError,
  imageInput,
  MISSING_ID,
  runParams,
  sha256,
  type Scope,
} from './expect.ts';
import { describeEachMode, type Mode } from './databases.ts';
import { prismaOf } from '../src/client.ts';

/** A fresh secret's hash, as the services store it. */
function tokenHash(): string {
  return sha256(randomBytes(32).toString('base64url'));
}

const PRESET = {
  level: 0.2,
  mode: 'relative',
  schedule: 'bell',
  shared: true,
  description: 'test grain',
} as const;

describeEachMode('accounts and workspaces', (context) => {
  const prisma = () => context().db.client;

  describe('workspace isolation', () => {
    let a: Scope;
    let b: Scope;
    before(async () => {
      a = await addScope(prisma(), 'isolation-a');
      b = await addScope(prisma(), 'isolation-b');
    });

    test("another workspace's image reads as null and cannot be deleted; the same bytes make two images", async () => {
      const first = await createOrGetImage(prisma(), imageInput(a, 'shared-bytes'));
      const second = await createOrGetImage(prisma(), imageInput(b, 'shared-bytes'));
      assert.equal(first.created, true);
      assert.equal(second.created, true, 'dedupe is per workspace');
      assert.notEqual(second.image.id, first.image.id);
      assert.equal(first.image.workspaceId, a.workspaceId);
      assert.equal(second.image.workspaceId, b.workspaceId);
      const again = await createOrGetImage(prisma(), imageInput(b, 'shared-bytes'));
      assert.equal(again.created, false);
      assert.equal(again.image.id, second.image.id);
      assert.equal(
        (await getImageBySha256(prisma(), a.workspaceId, sha256('shared-bytes')))?.id,
        first.image.id,
      );

      const onlyA = (await createOrGetImage(prisma(), imageInput(a, 'only-a'))).image;
      assert.equal(await getImage(prisma(), onlyA.id, b.workspaceId), null);
      assert.equal((await getImage(prisma(), onlyA.id, a.workspaceId))?.id, onlyA.id);
      assert.deepEqual(await getImages(prisma(), [onlyA.id], b.workspaceId), []);
      const listedB = await listImages(prisma(), b.workspaceId, { first: 100 });
      assert.ok(listedB.nodes.every((image) => image.workspaceId === b.workspaceId));
      assert.ok(!listedB.nodes.some((image) => image.id === onlyA.id));
      assert.equal(listedB.totalCount, 1);
      await assert.rejects(deleteImage(prisma(), onlyA.id, b.workspaceId), dbError('NOT_FOUND'));
      assert.ok(await getImage(prisma(), onlyA.id), 'the refused delete left it');
      assert.equal((await deleteImage(prisma(), onlyA.id, a.workspaceId)).id, onlyA.id);
    });

    test("another workspace's run reads as null, and its images cannot be keyframes", async () => {
      const imageA = (await createOrGetImage(prisma(), imageInput(a, 'run-a'))).image;
      const imageB = (await createOrGetImage(prisma(), imageInput(b, 'run-b'))).image;
      const run = await createRun(prisma(), {
        ...a,
        name: 'in a',
        params: runParams([imageA.id, imageA.id]),
      });
      assert.equal(run.workspaceId, a.workspaceId);
      assert.equal(run.createdById, a.createdById);
      assert.equal(await getRun(prisma(), run.id, b.workspaceId), null);
      assert.equal((await getRun(prisma(), run.id, a.workspaceId))?.id, run.id);
      assert.deepEqual(await getRuns(prisma(), [run.id], b.workspaceId), []);
      const listedB = await listRuns(prisma(), { filter: { workspaceId: b.workspaceId } });
      assert.ok(!listedB.nodes.some((listed) => listed.id === run.id));
      const byCreator = await listRuns(prisma(), {
        filter: { workspaceId: a.workspaceId, createdById: a.createdById },
      });
      assert.deepEqual(
        byCreator.nodes.map((listed) => listed.id),
        [run.id],
      );
      assert.equal(
        (await listRuns(prisma(), { filter: { createdById: 'not-a-uuid' } })).totalCount,
        0,
      );
      assert.equal(await countRuns(prisma(), ['QUEUED'], b.workspaceId), 0);
      assert.equal(await countRuns(prisma(), ['QUEUED'], a.workspaceId), 1);

      await assert.rejects(
        createRun(prisma(), { ...b, name: 'borrowed', params: runParams([imageB.id, imageA.id]) }),
        (error: unknown) => {
          dbError('NOT_FOUND', 'keyframes')(error);
          assert.match((error as Error).message, new RegExp(imageA.id));
          return true;
        },
      );
      assert.equal(await countRuns(prisma(), ['QUEUED'], b.workspaceId), 0);
    });

    test('storage bytes are counted per workspace', async () => {
      const scope = await addScope(prisma(), 'storage');
      assert.equal(await storageBytes(prisma(), scope.workspaceId), 0);
      const image = (await createOrGetImage(prisma(), imageInput(scope, 'storage-1'))).image;
      await createOrGetImage(prisma(), imageInput(scope, 'storage-2'));
      assert.equal(await storageBytes(prisma(), scope.workspaceId), 2000);
      const run = await createRun(prisma(), {
        ...scope,
        name: 'bytes',
        params: runParams([image.id, image.id]),
      });
      await prismaOf(prisma()).run.update({ where: { id: run.id }, data: { status: 'RUNNING' } });
      await prismaOf(prisma()).frame.create({
        data: {
          runId: run.id,
          index: 0,
          alpha: 0,
          noiseLevel: 0,
          storageKey: `frames/${run.id}/0.png`,
          width: 64,
          height: 64,
          decodeMs: 1,
          byteSize: 345,
        },
      });
      assert.equal(await storageBytes(prisma(), scope.workspaceId), 2345);
    });

    test("another workspace's preset is NOT_FOUND; built-ins are everyone's and their names are taken", async () => {
      const preset = await createPreset(prisma(), { ...a, name: 'Isolated grain', ...PRESET });
      assert.equal(preset.workspaceId, a.workspaceId);
      assert.equal(preset.createdById, a.createdById);
      assert.equal(await getPreset(prisma(), preset.id, b.workspaceId), null);
      assert.equal((await getPreset(prisma(), preset.id, a.workspaceId))?.id, preset.id);
      assert.ok(!(await listPresets(prisma(), b.workspaceId)).some((p) => p.id === preset.id));
      assert.ok((await listPresets(prisma(), a.workspaceId)).some((p) => p.id === preset.id));
      await assert.rejects(
        updatePreset(prisma(), preset.id, b.workspaceId, { level: 1 }),
        dbError('NOT_FOUND'),
      );
      await assert.rejects(deletePreset(prisma(), preset.id, b.workspaceId), dbError('NOT_FOUND'));
      assert.equal((await getPreset(prisma(), preset.id, a.workspaceId))?.level, 0.2);

      // Names are unique within a workspace, not across them.
      const sameName = await createPreset(prisma(), { ...b, name: 'Isolated grain', ...PRESET });
      assert.notEqual(sameName.id, preset.id);
      await assert.rejects(
        createPreset(prisma(), { ...a, name: 'Isolated grain', ...PRESET }),
        dbError('DUPLICATE_NAME', 'name'),
      );
      // A built-in's name is refused in any workspace.
      await assert.rejects(
        createPreset(prisma(), { ...b, name: '0.5', ...PRESET }),
        dbError('DUPLICATE_NAME', 'name'),
      );
      const builtIn = await getPresetByName(prisma(), '0.5');
      assert.ok(builtIn?.builtIn);
      assert.equal(builtIn.workspaceId, null);
      assert.equal((await getPreset(prisma(), builtIn.id, b.workspaceId))?.id, builtIn.id);
      const listed = await listPresets(prisma(), b.workspaceId);
      assert.ok(listed.some((p) => p.id === builtIn.id));
      assert.ok(listed.every((p) => p.builtIn || p.workspaceId === b.workspaceId));

      // A run cannot use another workspace's preset.
      const image = (await createOrGetImage(prisma(), imageInput(b, 'preset-run'))).image;
      await assert.rejects(
        createRun(prisma(), {
          ...b,
          name: 'other preset',
          params: runParams([image.id, image.id]),
          presetId: preset.id,
        }),
        dbError('NOT_FOUND', 'presetId'),
      );
      const withBuiltIn = await createRun(prisma(), {
        ...b,
        name: 'built-in preset',
        params: runParams([image.id, image.id]),
        presetId: builtIn.id,
      });
      assert.equal(withBuiltIn.presetId, builtIn.id);
      assert.equal((await deletePreset(prisma(), preset.id, a.workspaceId)).id, preset.id);
    });
  });

  describe('members', () => {
    test('the last owner cannot be demoted or removed; with another owner they can', async () => {
      const owner = await addScope(prisma(), 'owners');
      const workspaceId = owner.workspaceId;
      const other = await addUser(prisma(), 'other');
      await addMember(prisma(), { workspaceId, userId: other.id, role: 'MEMBER' });
      assert.equal(await getMembership(prisma(), workspaceId, other.id), 'MEMBER');

      for (const role of ['ADMIN', 'MEMBER', 'VIEWER', null] as const) {
        await assert.rejects(
          changeMember(prisma(), { workspaceId, userId: owner.createdById, role }),
          dbError('LAST_OWNER', 'userId'),
          `${String(role)} for the last owner`,
        );
      }
      assert.equal(await getMembership(prisma(), workspaceId, owner.createdById), 'OWNER');
      // Keeping the last owner an owner is no change, and allowed.
      await changeMember(prisma(), { workspaceId, userId: owner.createdById, role: 'OWNER' });
      await assert.rejects(
        changeMember(prisma(), { workspaceId, userId: MISSING_ID, role: 'ADMIN' }),
        dbError('NOT_FOUND', 'userId'),
      );

      await changeMember(prisma(), { workspaceId, userId: other.id, role: 'OWNER' });
      await changeMember(prisma(), { workspaceId, userId: owner.createdById, role: 'ADMIN' });
      assert.equal(await getMembership(prisma(), workspaceId, owner.createdById), 'ADMIN');
      // Now `other` is the only owner.
      await assert.rejects(
        changeMember(prisma(), { workspaceId, userId: other.id, role: null }),
        dbError('LAST_OWNER'),
      );
      await changeMember(prisma(), { workspaceId, userId: owner.createdById, role: 'OWNER' });
      await changeMember(prisma(), { workspaceId, userId: other.id, role: null });
      assert.equal(await getMembership(prisma(), workspaceId, other.id), null);
      assert.deepEqual(
        (await listMembers(prisma(), workspaceId)).map((member) => [member.user.id, member.role]),
        [[owner.createdById, 'OWNER']],
      );
    });
  });

  describe('invitations', () => {
    let scope: Scope;
    before(async () => {
      scope = await addScope(prisma(), 'inviter');
    });

    const invite = (expiresAt = new Date(Date.now() + 60 * 60_000)) => {
      const hash = tokenHash();
      return createInvitation(prisma(), {
        workspaceId: scope.workspaceId,
        role: 'MEMBER',
        createdById: scope.createdById,
        tokenHash: hash,
        expiresAt,
      }).then((invitation) => ({ invitation, hash }));
    };

    test('an invitation is used once: the second accept returns null', async () => {
      const { invitation, hash } = await invite();
      assert.equal(invitation.acceptedAt, null);
      const first = await addUser(prisma(), 'first-guest');
      const second = await addUser(prisma(), 'second-guest');
      assert.deepEqual(await acceptInvitation(prisma(), hash, first.id), {
        workspaceId: scope.workspaceId,
        role: 'MEMBER',
      });
      assert.equal(await getMembership(prisma(), scope.workspaceId, first.id), 'MEMBER');
      assert.equal(await acceptInvitation(prisma(), hash, second.id), null);
      assert.equal(await acceptInvitation(prisma(), hash, first.id), null);
      assert.equal(await getMembership(prisma(), scope.workspaceId, second.id), null);
      assert.equal(await acceptInvitation(prisma(), tokenHash(), second.id), null);
    });

    test('an expired invitation returns null and adds nobody', async () => {
      const { hash } = await invite(new Date(Date.now() - 1000));
      const guest = await addUser(prisma(), 'late-guest');
      assert.equal(await acceptInvitation(prisma(), hash, guest.id), null);
      assert.equal(await getMembership(prisma(), scope.workspaceId, guest.id), null);
    });

    test('an existing member keeps their role when accepting', async () => {
      const { hash } = await invite();
      assert.deepEqual(await acceptInvitation(prisma(), hash, scope.createdById), {
        workspaceId: scope.workspaceId,
        role: 'OWNER',
      });
      assert.equal(await getMembership(prisma(), scope.workspaceId, scope.createdById), 'OWNER');
    });

    test('concurrent accepts of one token: exactly one wins', async () => {
      const { hash } = await invite();
      const guests = await Promise.all(
        Array.from({ length: 6 }, (_, i) => addUser(prisma(), `racer-${i}`)),
      );
      const results = await Promise.all(
        guests.map((guest) => acceptInvitation(prisma(), hash, guest.id)),
      );
      assert.equal(results.filter((result) => result !== null).length, 1);
      const roles = await Promise.all(
        guests.map((guest) => getMembership(prisma(), scope.workspaceId, guest.id)),
      );
      assert.equal(roles.filter((role) => role !== null).length, 1);
      assert.equal(roles[results.findIndex((result) => result !== null)], 'MEMBER');
    });
  });

  describe('API tokens and server secrets', () => {
    test('a token is found by its hash and gone once deleted (only from its workspace)', async () => {
      const scope = await addScope(prisma(), 'tokens');
      const elsewhere = await addScope(prisma(), 'tokens-elsewhere');
      const hash = tokenHash();
      const created = await createApiToken(prisma(), {
        name: 'ci',
        role: 'MEMBER',
        workspaceId: scope.workspaceId,
        userId: scope.createdById,
        tokenHash: hash,
      });
      assert.equal(created.lastUsedAt, null);
      assert.ok(!('tokenHash' in created), 'the hash is not handed out');
      const found = await findApiToken(prisma(), { tokenHash: hash });
      assert.equal(found?.id, created.id);
      assert.equal(found.workspaceId, scope.workspaceId);
      assert.equal(found.role, 'MEMBER');
      assert.equal(found.user.id, scope.createdById);
      assert.equal(await findApiToken(prisma(), { tokenHash: tokenHash() }), null);
      assert.deepEqual(
        (await listApiTokens(prisma(), scope.workspaceId)).map((token) => token.id),
        [created.id],
      );
      assert.deepEqual(await listApiTokens(prisma(), elsewhere.workspaceId), []);

      assert.equal(await deleteApiToken(prisma(), elsewhere.workspaceId, created.id), null);
      assert.equal((await findApiToken(prisma(), { tokenHash: hash }))?.id, created.id);
      assert.equal(await deleteApiToken(prisma(), scope.workspaceId, 'not-a-uuid'), null);
      assert.equal((await deleteApiToken(prisma(), scope.workspaceId, created.id))?.id, created.id);
      assert.equal(await findApiToken(prisma(), { tokenHash: hash }), null);
      assert.equal(await deleteApiToken(prisma(), scope.workspaceId, created.id), null);
      assert.deepEqual(await listApiTokens(prisma(), scope.workspaceId), []);
    });

    test('serverSecret gives every concurrent caller the same value, and keeps it', async () => {
      const made: string[] = [];
      const make = () => {
        const value = randomBytes(16).toString('hex');
        made.push(value);
        return value;
      };
      const values = await Promise.all(
        Array.from({ length: 8 }, () => serverSecret(prisma(), 'race', make)),
      );
      assert.equal(new Set(values).size, 1);
      assert.ok(made.includes(values[0]!));
      assert.equal(await serverSecret(prisma(), 'race', make), values[0]);
      const other = await serverSecret(prisma(), 'another', make);
      assert.notEqual(other, values[0]);
    });
  });
});

/** Runs SQL on a database opened before any of the migrations after `upTo` (inclusive) exist. */
interface OldDatabase {
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A copy of prisma/migrations holding only the migrations before the one whose name ends so. */
async function migrationsBefore(suffix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'latentlab-migrations-'));
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const cut = names.findIndex((name) => name.endsWith(suffix));
  assert.ok(cut > 0, `no migration ending in ${suffix}`);
  for (const name of names.slice(0, cut)) {
    await cp(join(migrationsDir, name), join(dir, name), { recursive: true });
  }
  await cp(join(migrationsDir, 'migration_lock.toml'), join(dir, 'migration_lock.toml'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const OLD_IMAGE = '11111111-1111-4111-8111-111111111111';
const OLD_RUN = '22222222-2222-4222-8222-222222222222';
const OLD_PRESET = '33333333-3333-4333-8333-333333333333';
const OLD_BUILT_IN = '44444444-4444-4444-8444-444444444444';

for (const mode of ['postgres', 'pglite'] as const satisfies readonly Mode[]) {
  describe(`migrating data from before workspaces [${mode}]`, () => {
    let dataDir: string;
    let dropDatabase: () => Promise<void> = async () => {};
    let databaseUrl: string | null = null;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'latentlab-db-'));
      if (mode === 'postgres') {
        const database = await createTestDatabase();
        databaseUrl = database.url;
        dropDatabase = () => database.drop();
      }
    });
    after(async () => {
      await dropDatabase();
      await rm(dataDir, { recursive: true, force: true });
    });

    async function openOld(dir: string): Promise<OldDatabase> {
      if (databaseUrl) {
        const pool = new pg.Pool({ connectionString: databaseUrl });
        pool.on('error', () => {});
        await applyMigrations(
          runningScriptsWith(new PrismaPg(pool), (script) => pool.query(script)),
          dir,
        );
        return { exec: (sql) => pool.query(sql), close: () => pool.end() };
      }
      const directory = join(dataDir, 'pglite');
      await mkdir(directory, { recursive: true });
      const pglite = await PGlite.create(directory);
      await applyMigrations(
        runningScriptsWith(new PrismaPGlite(pglite), (script) => pglite.exec(script)),
        dir,
      );
      return { exec: (sql) => pglite.exec(sql), close: () => pglite.close() };
    }

    test('images, runs and presets from before workspaces end up in one workspace, "My workspace"', async () => {
      const migrations = await migrationsBefore('_teams');
      try {
        const old = await openOld(migrations.dir);
        try {
          await old.exec(`
            INSERT INTO "Image" ("id", "sha256", "originalName", "mimeType", "width", "height", "byteSize", "storageKey")
            VALUES ('${OLD_IMAGE}', '${sha256('old')}', 'old.png', 'image/png', 32, 32, 100, 'images/old.png');
            INSERT INTO "Run" ("id", "name", "status", "model", "steps", "method", "easing", "width", "height", "fit",
                               "noiseLevel", "noiseMode", "noiseSchedule", "noiseShared", "seed")
            VALUES ('${OLD_RUN}', 'old run', 'SUCCEEDED', 'taef2', 4, 'lerp', 'linear', 64, 64, 'cover',
                    0, 'absolute', 'constant', false, 7);
            INSERT INTO "RunImage" ("runId", "position", "imageId")
            VALUES ('${OLD_RUN}', 0, '${OLD_IMAGE}'), ('${OLD_RUN}', 1, '${OLD_IMAGE}');
            INSERT INTO "NoisePreset" ("id", "name", "level", "mode", "schedule", "builtIn", "updatedAt")
            VALUES ('${OLD_PRESET}', 'Old grain', 0.3, 'absolute', 'constant', false, now()),
                   ('${OLD_BUILT_IN}', 'none', 0, 'absolute', 'constant', true, now());
          `);
        } finally {
          await old.close();
        }
      } finally {
        await migrations.remove();
      }

      const db = await openDatabase({ databaseUrl, dataDir });
      try {
        const workspaces = await prismaOf(db.client).workspace.findMany();
        assert.equal(workspaces.length, 1);
        const workspace = workspaces[0]!;
        assert.equal(workspace.name, 'My workspace');
        assert.equal((await findOwnerlessWorkspace(db.client))?.id, workspace.id);

        const image = await getImage(db.client, OLD_IMAGE, workspace.id);
        assert.equal(image?.originalName, 'old.png');
        assert.equal(image.createdById, null);
        const run = await getRun(db.client, OLD_RUN, workspace.id);
        assert.equal(run?.name, 'old run');
        assert.equal(run.status, 'SUCCEEDED');
        assert.deepEqual(run.params.keyframes, [OLD_IMAGE, OLD_IMAGE]);
        assert.equal(run.params.animation.fps, 10);
        assert.equal((await getPreset(db.client, OLD_PRESET, workspace.id))?.name, 'Old grain');
        const builtIn = await getPresetByName(db.client, 'none');
        assert.equal(builtIn?.id, OLD_BUILT_IN);
        assert.equal(builtIn.workspaceId, null);

        // The first account to sign up takes the workspace over; its data is theirs.
        const user = await addUser(db.client, 'first');
        await addMember(db.client, { workspaceId: workspace.id, userId: user.id, role: 'OWNER' });
        assert.equal(await findOwnerlessWorkspace(db.client), null);
        assert.deepEqual(
          (await listImages(db.client, workspace.id)).nodes.map((listed) => listed.id),
          [OLD_IMAGE],
        );
      } finally {
        await db.close();
      }
    });

    test('an empty database gets no workspace', async () => {
      const fresh = await mkdtemp(join(tmpdir(), 'latentlab-db-'));
      const database = mode === 'postgres' ? await createTestDatabase() : undefined;
      const db = await openDatabase({ databaseUrl: database?.url ?? null, dataDir: fresh });
      try {
        assert.equal(await prismaOf(db.client).workspace.count(), 0);
        assert.equal(await findOwnerlessWorkspace(db.client), null);
      } finally {
        await db.close();
        await database?.drop();
        await rm(fresh, { recursive: true, force: true });
      }
    });
  });
}

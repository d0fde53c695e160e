// A page of the history costs a constant number of database operations, whatever its size:
// keyframes and thumbnails are loaded in batches, not once per run.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '@latent-lab/config';
import {
  createOrGetImage,
  createUser,
  createWorkspace,
  setRunStatus,
  upsertFrame,
  type DbClient,
} from '@latent-lab/db';
import { frameKey, type Actor, type RunParams, type UserRecord } from '@latent-lab/domain';
import { execute, parse } from 'graphql';
import { createContext } from '../apps/server/src/graphql/context.ts';
import { UrlSigner } from '../apps/server/src/signed-urls.ts';
import { graphqlSchema } from '../apps/server/src/graphql/schema.ts';
import { openRuntime, type Runtime } from '../apps/server/src/runtime.ts';
import { createServices } from '../apps/server/src/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { PHOTOS } from './helpers/api.ts';
import { pino } from 'pino';
// Counting queries needs the client itself: the test reaches inside the data layer on purpose.
import { prismaOf, sealClient } from '../packages/db/src/client.ts';

const PAGE_QUERY = parse(`query ($first: Int!) {
  runs(first: $first) {
    nodes { id name status framesDone keyframes { id url originalName } thumbnails { index url } }
  }
}`);

describe('history page batching', () => {
  let database: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;
  let operations = 0;
  let names: string[] = [];
  let counting: DbClient;
  let user: UserRecord;
  let actor: Actor;

  before(async () => {
    database = await createTestDatabase('latentlab_batching');
    dataDir = await mkdtemp(join(tmpdir(), 'latent-lab-batching-'));
    const config = {
      ...loadConfig({}),
      databaseUrl: database.url,
      dataDir,
      storage: { kind: 'local' as const, root: join(dataDir, 'files') },
      logLevel: 'silent' as const,
    };
    runtime = await openRuntime(config, pino({ level: 'silent' }));
    // Every Prisma operation the services make, counted (each is a fixed handful of SQL statements).
    counting = sealClient(
      prismaOf(runtime.db.client).$extends({
        query: {
          async $allOperations({ model, operation, args, query }) {
            operations++;
            names.push(`${model ?? ''}.${operation}`);
            return query(args);
          },
        },
      }) as unknown as Parameters<typeof sealClient>[0],
    );
    const db = runtime.db.client;
    user = await createUser(db, {
      email: 'owner@example.com',
      name: 'Owner',
      passwordHash: 'not-a-real-hash',
    });
    const workspace = await createWorkspace(db, { name: 'Batching', ownerId: user.id });
    actor = {
      userId: user.id,
      workspaceId: workspace.id,
      role: 'OWNER',
      via: 'session',
      credentialId: randomUUID(),
    };
    const images = await Promise.all(
      [PHOTOS.chelsea, PHOTOS.coffee, PHOTOS.astronaut].map(async (path, i) => {
        const bytes = await readFile(path);
        const { image } = await createOrGetImage(db, {
          workspaceId: workspace.id,
          createdById: user.id,
          sha256: String(i).repeat(64),
          originalName: path.split('/').at(-1)!,
          mimeType: 'image/png',
          width: 64,
          height: 64,
          byteSize: bytes.byteLength,
          storageKey: `images/${i}.png`,
        });
        return image;
      }),
    );
    const services = createServices(runtime);
    for (let i = 0; i < 20; i++) {
      const run = await services.runs.create(actor, {
        name: `run ${i}`,
        params: {
          model: 'taef2',
          keyframes: [images[i % 3]!.id, images[(i + 1) % 3]!.id, images[(i + 2) % 3]!.id],
          steps: 5,
          width: 64,
          height: 64,
          seed: i,
        } satisfies Partial<RunParams>,
      });
      await setRunStatus(db, run.id, 'RUNNING');
      for (let index = 0; index < 1 + (i % 5); index++) {
        await upsertFrame(db, {
          runId: run.id,
          index,
          alpha: index / 4,
          noiseLevel: 0,
          storageKey: frameKey(run.id, index),
          width: 64,
          height: 64,
          decodeMs: 1,
        });
      }
    }
  });

  after(async () => {
    await runtime?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function pageOperations(
    first: number,
  ): Promise<{ operations: number; runs: number; names: string[] }> {
    const services = createServices({ ...runtime, db: { ...runtime.db, client: counting } });
    operations = 0;
    names = [];
    const result = await execute({
      schema: await graphqlSchema(),
      document: PAGE_QUERY,
      variableValues: { first },
      contextValue: createContext(services, new UrlSigner('batching-test-secret'), {
        identity: { user, via: 'session', credentialId: actor.credentialId },
        workspaceId: actor.workspaceId,
        address: '127.0.0.1',
      }),
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const nodes = (
      result.data as { runs: { nodes: { keyframes: unknown[]; thumbnails: unknown[] }[] } }
    ).runs.nodes;
    assert.ok(nodes.every((node) => node.keyframes.length === 3 && node.thumbnails.length > 0));
    return { operations, runs: nodes.length, names };
  }

  test('a page of 20 runs with keyframes and thumbnails costs as many operations as a page of 2', async () => {
    const small = await pageOperations(2);
    const large = await pageOperations(20);
    assert.equal(small.runs, 2);
    assert.equal(large.runs, 20);
    assert.equal(large.operations, small.operations, 'the count does not grow with the page');
    // One resolves the actor (the caller's membership of the workspace), four load the page: the
    // runs and their count, the keyframe images, the thumbnails.
    assert.ok(
      large.operations <= 5,
      `${large.operations} operations for 20 runs: ${large.names.join(', ')}`,
    );
    assert.equal(large.names.filter((name) => name.startsWith('Member.')).length, 1);
  });
});

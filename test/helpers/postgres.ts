// Throwaway databases on the local PostgreSQL (127.0.0.1:5432), one per test file, for the
// data-layer tests and the whole-system tests alike; and, for the tests that start processes
// themselves, a database with a data folder beside it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';

const ADMIN_URL =
  process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A new empty database; drop() removes it even with connections left open. */
export async function createTestDatabase(prefix = 'latentlab_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * A throwaway database and data folder (both named after `name`) for the tests of the enclosing
 * describe block or file: made in a before hook, removed in an after hook.
 */
export function useDatabaseAndDataDir(name: string): {
  readonly database: TestDatabase;
  readonly dataDir: string;
} {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  before(async () => {
    database = await createTestDatabase(`latentlab_${name}`);
    dataDir = await mkdtemp(join(tmpdir(), `latent-lab-${name}-`));
  });
  after(async () => {
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const made = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error(`${name}: the database and data folder are not made yet`);
    return value;
  };
  return {
    get database() {
      return made(database);
    },
    get dataDir() {
      return made(dataDir);
    },
  };
}

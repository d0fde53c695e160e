// Test databases: a fresh PostgreSQL database (on the real server) or a fresh PGlite folder per test file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { createTestDatabase } from '../../../test/helpers/postgres.ts';
import { openDatabase, type Database } from '../src/index.ts';

export type Mode = 'postgres' | 'pglite';

export interface TestDatabase {
  /** The open database of the describe block. */
  readonly db: Database;
  /** Closes the database and opens it again, as a restarted process would; db is then the new one. */
  reopen(): Promise<Database>;
  /** How long the first openDatabase (migrations on an empty database + seeds) took. */
  readonly firstOpenMs: number;
}

/** One describe block per mode, running the same body against a fresh database of that mode. */
export function describeEachMode(title: string, body: (context: () => TestDatabase) => void): void {
  for (const mode of ['postgres', 'pglite'] as const) {
    describe(`${title} [${mode}]`, () => {
      let context: TestDatabase | undefined;
      let cleanUp: () => Promise<void> = async () => {};
      before(async () => {
        let options: { databaseUrl: string | null; dataDir: string };
        const dataDir = await mkdtemp(join(tmpdir(), 'latentlab-db-'));
        if (mode === 'postgres') {
          const database = await createTestDatabase();
          options = { databaseUrl: database.url, dataDir };
          cleanUp = async () => {
            await database.drop();
            await rm(dataDir, { recursive: true, force: true });
          };
        } else {
          options = { databaseUrl: null, dataDir };
          cleanUp = () => rm(dataDir, { recursive: true, force: true });
        }
        const started = performance.now();
        let db = await openDatabase(options);
        const firstOpenMs = performance.now() - started;
        context = {
          get db() {
            return db;
          },
          firstOpenMs,
          async reopen() {
            await db.close();
            db = await openDatabase(options);
            return db;
          },
        };
      });
      after(async () => {
        await context?.db.close();
        await cleanUp();
      });
      body(() => {
        if (!context) throw new Error('the test database is not open');
        return context;
      });
    });
  }
}

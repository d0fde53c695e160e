// openDatabase: one Prisma client over either PostgreSQL (pg) or embedded PGlite, migrated and seeded.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DbError } from './errors.ts';
import { sealClient, type DbClient } from './client.ts';
import { PrismaClient } from './generated/client.ts';
import { seedBuiltInPresets } from './presets.ts';
import {
  applyMigrations,
  pendingMigrations,
  runningScriptsWith,
  type SqlQuery,
} from './schema-engine.ts';

/** pg-boss's `db` option (its IDatabase): its SQL runs on the embedded PGlite instance. */
export interface BossDb {
  // Matches pg-boss's own IDatabase type, whose rows are untyped.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface Database {
  /** The handle the data-access functions take; opaque outside this package. */
  readonly client: DbClient;
  /** Resolves when the database answers a query (health checks). */
  ping(): Promise<void>;
  readonly mode: 'postgres' | 'pglite';
  /** The PostgreSQL URL (postgres mode) for clients that connect themselves, such as pg-boss. */
  readonly connectionString: string | null;
  /** pg-boss `db` option in pglite mode (multi-statement SQL goes through PGlite's exec); null in postgres mode. */
  readonly bossDb: BossDb | null;
  /** LISTEN on a channel; resolves to a function that stops this listener. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** pg_notify; payloads must stay under 8000 bytes. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Called each time the LISTEN connection has been reopened and every channel listened again, with
   * the moment it was lost: notifications sent meanwhile are gone, so listeners catch up from the
   * tables. Never
   * called with PGlite (in process, no connection to lose). Returns a function that removes it.
   */
  onListenReconnect(callback: (lostAt: Date) => void): () => void;
  /** The connection pool's use now (postgres mode); null with PGlite (one in-process instance). */
  poolUse(): { total: number; idle: number; waiting: number; max: number } | null;
  /** Migrations in prisma/migrations that the database has not applied (a readiness check). */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; null or absent selects embedded PGlite under dataDir. */
  databaseUrl?: string | null;
  /** Folder for local data; PGlite keeps its files in <dataDir>/pglite. */
  dataDir: string;
  /**
   * Apply pending migrations to PostgreSQL on open (default true). A deployment migrates once
   * with `npm run db:migrate` and opens every API and worker process with false, so processes
   * started together never race for Prisma's migration lock. PGlite always migrates.
   */
  migrate?: boolean;
}

/** PostgreSQL rejects NOTIFY payloads of 8000 bytes or more. */
const MAX_NOTIFY_BYTES = 7999;

/** Channels are quoted identifiers in both modes: 1 to 63 bytes, no double quote. */
function checkChannel(channel: string): void {
  if (!/^[^"\0]+$/.test(channel) || Buffer.byteLength(channel, 'utf8') > 63) {
    throw new DbError(
      'INVALID_INPUT',
      `channel ${JSON.stringify(channel)} must be 1 to 63 bytes without double quotes`,
      { field: 'channel' },
    );
  }
}

function quoteIdentifier(name: string): string {
  return `"${name}"`;
}

function checkNotifyPayload(channel: string, payload: string): void {
  checkChannel(channel);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_NOTIFY_BYTES) {
    throw new DbError(
      'INVALID_INPUT',
      `notify: payload is ${bytes} bytes, the limit is ${MAX_NOTIFY_BYTES}`,
      { field: 'payload' },
    );
  }
}

/** Database.notify over a connection, PostgreSQL's or PGlite's. */
function notifyThrough(
  query: (text: string, values: string[]) => Promise<unknown>,
): Database['notify'] {
  return async (channel, payload) => {
    checkNotifyPayload(channel, payload);
    await query('SELECT pg_notify($1, $2)', [channel, payload]);
  };
}

/** Opens the database, applies pending migrations and seeds the built-in presets. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.migrate ?? true)
    : await openPglite(options.dataDir);
  try {
    await seedBuiltInPresets(database.client);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** How long a process waits, in all, for another one that holds Prisma's migration lock. */
const MIGRATION_LOCK_WAIT_MS = 5 * 60_000;

/**
 * Applies pending migrations. Looks first, without a lock, so processes started together on a
 * migrated database never queue for Prisma's advisory lock; when one must migrate and another holds
 * the lock (the engine gives up after 10 s), it waits with back-off and looks again, since the
 * holder has usually applied everything meanwhile.
 */
async function migrate(
  factory: SqlMigrationAwareDriverAdapterFactory,
  query: SqlQuery,
  close: () => Promise<void>,
): Promise<void> {
  const giveUpAt = Date.now() + MIGRATION_LOCK_WAIT_MS;
  try {
    for (let attempt = 0; ; attempt++) {
      if ((await pendingMigrations(query)).length === 0) return;
      try {
        await applyMigrations(factory);
        return;
      } catch (error) {
        if (!isMigrationLockTimeout(error) || Date.now() >= giveUpAt) throw error;
        const delayMs = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
}

/** The schema engine's "Timed out trying to acquire a postgres advisory lock" failure. */
function isMigrationLockTimeout(error: unknown): boolean {
  return error instanceof DbError && /advisory lock/i.test(error.message);
}

async function openPostgres(connectionString: string, applyPending: boolean): Promise<Database> {
  const pool = new pg.Pool({ connectionString });
  // An idle pooled client that loses its server emits 'error' on the pool; without a handler that kills the process.
  pool.on('error', () => {});
  if (applyPending) {
    await migrate(
      runningScriptsWith(new PrismaPg(pool), (script) => pool.query(script)),
      (text) => pool.query(text),
      () => pool.end(),
    );
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const listeners = new PostgresListeners(connectionString);
  return {
    client: sealClient(prisma),
    ping: () => prisma.$queryRaw`SELECT 1`.then(() => undefined),
    mode: 'postgres',
    connectionString,
    bossDb: null,
    listen: (channel, onPayload) => listeners.add(channel, onPayload),
    onListenReconnect: (callback) => listeners.onReconnect(callback),
    pendingMigrations: () => pendingMigrations((text) => pool.query(text)),
    poolUse: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max ?? 10,
    }),
    notify: notifyThrough((text, values) => pool.query(text, values)),
    async close() {
      await prisma.$disconnect();
      await listeners.close();
      await pool.end();
    },
  };
}

/** application_name of the LISTEN connection, which tells it apart in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'latent-lab-listener';

/**
 * Every LISTEN of a process shares one dedicated connection (pooled connections would drop them).
 * When that connection is lost it is reopened and every channel listened again; notifications sent
 * while it was down are lost, as with any LISTEN, so the reconnect callbacks run once the channels
 * are listened again and their owners catch up from the tables.
 */
class PostgresListeners {
  private static readonly reconnectDelayMs = 500;

  private connecting: Promise<pg.Client> | undefined;
  private current: pg.Client | undefined;
  private closed = false;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly reconnectCallbacks = new Set<(lostAt: Date) => void>();
  private connections = 0;
  private lostAt = new Date();
  private readonly connectionString: string;

  constructor(connectionString: string) {
    this.connectionString = connectionString;
  }

  onReconnect(callback: (lostAt: Date) => void): () => void {
    const wrapper = (lostAt: Date) => callback(lostAt);
    this.reconnectCallbacks.add(wrapper);
    return () => this.reconnectCallbacks.delete(wrapper);
  }

  private connection(): Promise<pg.Client> {
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: LISTENER_APPLICATION_NAME,
    });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) {
        handler(message.payload ?? '');
      }
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    this.current = client;
    for (const channel of this.handlers.keys()) {
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    this.connections += 1;
    if (this.connections > 1) {
      for (const callback of this.reconnectCallbacks) callback(this.lostAt);
    }
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.current !== client) return;
    this.lostAt = new Date();
    this.current = undefined;
    this.connecting = undefined;
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed || this.handlers.size === 0) return;
    setTimeout(() => {
      if (this.closed || this.connecting) return;
      this.connection().catch(() => this.reconnect());
    }, PostgresListeners.reconnectDelayMs).unref();
  }

  async add(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    checkChannel(channel);
    const client = await this.connection();
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    // A wrapper makes each registration distinct, so the same callback may listen twice.
    const handler = (payload: string) => onPayload(payload);
    handlers.add(handler);
    return async () => {
      const remaining = this.handlers.get(channel);
      if (!remaining?.delete(handler) || remaining.size > 0) return;
      this.handlers.delete(channel);
      await this.current?.query(`UNLISTEN ${quoteIdentifier(channel)}`);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    const client = await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    this.current = undefined;
    await client?.end();
  }
}

async function openPglite(dataDir: string): Promise<Database> {
  const directory = join(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const pglite = await PGlite.create(directory);
  await migrate(
    runningScriptsWith(new PrismaPGlite(pglite), (script) => pglite.exec(script)),
    (text) => pglite.query(text),
    () => pglite.close(),
  );
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    client: sealClient(prisma),
    ping: () => prisma.$queryRaw`SELECT 1`.then(() => undefined),
    mode: 'pglite',
    connectionString: null,
    bossDb: {
      async executeSql(text, values) {
        if (values && values.length > 0) return pglite.query(text, values);
        // Without parameters the text may hold several statements, which only exec accepts. As
        // node-postgres does, the rows of every statement: pg-boss's maintenance batches wrap their
        // work in BEGIN, a lock and COMMIT, and read the work's row among them.
        const results = await pglite.exec(text);
        return { rows: results.flatMap((result) => result.rows) };
      },
    },
    async listen(channel, onPayload) {
      checkChannel(channel);
      const handler = (payload: string) => onPayload(payload);
      const unlisten = await pglite.listen(quoteIdentifier(channel), handler);
      return () => unlisten();
    },
    onListenReconnect: () => () => {},
    pendingMigrations: () => pendingMigrations((text) => pglite.query(text)),
    poolUse: () => null,
    notify: notifyThrough((text, values) => pglite.query(text, values)),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

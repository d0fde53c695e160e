// Prisma's schema engine as WebAssembly: applies prisma/migrations (writing the standard
// _prisma_migrations table) and diffs schemas, with no native binary download.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DbError } from './errors.ts';

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm');

export const prismaDir = fileURLToPath(new URL('../../../prisma/', import.meta.url));
export const migrationsDir = join(prismaDir, 'migrations');
export const schemaPath = join(prismaDir, 'schema.prisma');

declare global {
  // The wasm reports panic messages through this global; without it they are lost.
  var PRISMA_WASM_PANIC_REGISTRY: { set_message(message: string): void } | undefined;
}

/** The slice of the WebAssembly global used here (the repository's lib settings carry no DOM/wasm types). */
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let panicMessage = '';
let engineModule: Promise<SchemaEngineModule> | undefined;

/**
 * The engine arms 10 s timers it never clears (timeouts raced against finished work); left as they
 * are they keep a process alive for 10 s after closing, so they are unref'd.
 */
function withUnrefTimers(bindings: object): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith('__wbg_setTimeout_')) continue;
    imports[name] = (callback: () => void, delayMs: number) =>
      setTimeout(callback, delayMs >>> 0).unref();
  }
  return imports;
}

/** Instantiates the wasm once per process: a second instantiation crashes. */
function loadEngineModule(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => {
        panicMessage = message;
      },
    };
    // The package's entry imports the .wasm as an ES module, which Node 20 cannot; instantiate it by hand.
    const bindingsUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = (await import(bindingsUrl)) as SchemaEngineModule & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const bytes = await readFile(fileURLToPath(new URL('schema_engine_bg.wasm', bindingsUrl)));
    const { instance } = await wasmApi.instantiate(bytes, {
      './schema_engine_bg.js': withUnrefTimers(bindings),
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return engineModule;
}

/**
 * Runs migration scripts whole, in one simple-query call (one implicit transaction). Both adapters
 * fall short here: PGlite's does not await the script, so failures go unnoticed, and pg's splits it
 * at every ';' (comments and strings included) and runs the pieces one by one.
 */
export function runningScriptsWith(
  factory: SqlMigrationAwareDriverAdapterFactory,
  run: (script: string) => Promise<unknown>,
): SqlMigrationAwareDriverAdapterFactory {
  const wrap = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    Object.assign(Object.create(adapter) as SqlDriverAdapter, {
      executeScript: async (script: string) => {
        await run(script);
      },
    });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  panicMessage = '';
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngine.new(
      { datamodels: undefined },
      () => {},
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await use(engine);
  } catch (error) {
    const detail = panicMessage || (error instanceof Error ? error.message : JSON.stringify(error));
    throw new DbError('MIGRATION_FAILED', `schema engine failed: ${detail}`, { cause: error });
  } finally {
    engine?.free();
  }
}

/** Reads prisma/migrations/<name>/migration.sql folders in name (timestamp) order. */
export async function readMigrations(dir = migrationsDir): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfilePath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: await readFile(lockfilePath, 'utf8').catch(() => null),
    },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: {
            tag: 'ok' as const,
            value: await readFile(join(dir, name, 'migration.sql'), 'utf8'),
          },
        },
      })),
    ),
  };
}

/** Runs one SQL query and returns its rows (a pg pool, or PGlite). */
export type SqlQuery = (text: string) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * Names of the migrations in the folder that the database has not applied, read from Prisma's
 * _prisma_migrations table without taking Prisma's migration lock (a plain read).
 */
export async function pendingMigrations(query: SqlQuery, dir = migrationsDir): Promise<string[]> {
  const { migrationDirectories } = await readMigrations(dir);
  const [table] = (await query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present"))
    .rows;
  const applied = new Set<string>();
  if (table?.present) {
    const { rows } = await query(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    for (const row of rows) applied.add(String(row.migration_name));
  }
  return migrationDirectories.map((entry) => entry.path).filter((name) => !applied.has(name));
}

/** Applies the pending migrations; returns the names applied now (empty when up to date). */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  dir = migrationsDir,
): Promise<string[]> {
  const migrationsList = await readMigrations(dir);
  return withEngine(factory, async (engine) => {
    const output = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return output.appliedMigrationNames;
  });
}

/**
 * SQL that takes a database built from the migrations to the given schema ('' or an "empty
 * migration" comment when nothing changed). Runs on two throwaway in-memory PGlite instances: the
 * engine replays the migrations on the shadow one.
 */
export async function diffMigrationsToSchema(schema: string, dir = migrationsDir): Promise<string> {
  const migrationsList = await readMigrations(dir);
  const main = new PGlite();
  const shadow = new PGlite();
  const onShadow = runningScriptsWith(new PrismaPGlite(shadow), (script) => shadow.exec(script));
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    ...runningScriptsWith(new PrismaPGlite(main), (script) => main.exec(script)),
    connectToShadowDb: () => onShadow.connect(),
  };
  try {
    return await withEngine(factory, async (engine) => {
      const result = await engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.stdout ?? '';
    });
  } finally {
    // Open PGlite instances keep 10 s timers armed, holding the process open.
    await Promise.all([main.close(), shadow.close()]);
  }
}

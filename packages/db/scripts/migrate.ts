// Applies prisma/migrations to DATABASE_URL, or to the embedded PGlite under DATA_DIR (default ./data)
// when DATABASE_URL is unset, and seeds the built-in presets: the same steps as openDatabase.
// By package name, so that the compiled copy (dist/scripts/migrate.js) loads the compiled package.
import { openDatabase } from '@latent-lab/db';

const started = performance.now();
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || null,
  dataDir: process.env.DATA_DIR ?? 'data',
});
await database.close();
console.log(
  `database (${database.mode}) is migrated and seeded in ${Math.round(performance.now() - started)} ms`,
);

// Applies prisma/migrations to DATABASE_URL, or to the embedded PGlite under DATA_DIR (default ./data)
// when DATABASE_URL is unset, and seeds the built-in presets: the same steps as openDatabase.
// By package name, so that the compiled copy (dist/scripts/migrate.js) loads the compiled package.
import { loadDatabaseConfig } from '@latent-lab/config';
import { openDatabase } from '@latent-lab/db';

const started = performance.now();
// Configuration is parsed in one place, as for the API and the worker.
const database = await openDatabase(loadDatabaseConfig(process.env));
await database.close();
console.log(
  `database (${database.mode}) is migrated and seeded in ${Math.round(performance.now() - started)} ms`,
);

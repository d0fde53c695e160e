// Generates the Prisma client offline. Prisma's CLI insists on a native schema-engine binary and
// downloads one when it is missing; `generate` never runs it, so any existing file satisfies it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { schemaPath } from '../src/schema-engine.ts';

const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schemaPath], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { diffMigrationsToSchema, schemaPath } from '../src/schema-engine.ts';

test('prisma/migrations build exactly the schema in prisma/schema.prisma (no migration forgotten)', async () => {
  const sql = await diffMigrationsToSchema(await readFile(schemaPath, 'utf8'));
  assert.match(
    sql.trim(),
    /^(-- This is an empty migration\.)?$/,
    `the schema needs a new migration (npm run -w @latent-lab/db migration:create -- <name>):\n${sql}`,
  );
});

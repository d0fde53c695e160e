import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { graphqlSchema } from '../src/graphql/schema.ts';

test('schema.graphql is the schema the server builds (the dashboard types come from it)', async () => {
  const built = `${printSchema(lexicographicSortSchema(await graphqlSchema()))}\n`;
  const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
  assert.ok(
    built === committed,
    'apps/server/schema.graphql is stale: run npm run -w @latent-lab/server schema:print',
  );
});

test('every option enum is the domain list in constant case', async () => {
  const { OPTION_LISTS, optionConstant } = await import('@latent-lab/domain');
  const schema = await graphqlSchema();
  for (const [name, values] of Object.entries(OPTION_LISTS)) {
    const type = schema.getType(name);
    assert.ok(type && 'getValues' in type, `${name} is an enum`);
    const enumValues = (type as import('graphql').GraphQLEnumType).getValues();
    assert.deepEqual(
      enumValues.map((value) => [value.name, value.value]),
      values.map((value) => [optionConstant(value), value]),
      name,
    );
  }
});

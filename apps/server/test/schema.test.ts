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

test('every choice option of the domain table is an enum in constant case, on the input and the run', async () => {
  const { RUN_OPTIONS, TOP_LEVEL_OPTIONS, optionConstant, optionField } =
    await import('@latent-lab/domain');
  const schema = await graphqlSchema();
  for (const option of RUN_OPTIONS) {
    if (option.kind !== 'choice') continue;
    const type = schema.getType(option.graphqlEnum);
    assert.ok(type && 'getValues' in type, `${option.graphqlEnum} is an enum`);
    const enumValues = (type as import('graphql').GraphQLEnumType).getValues();
    assert.deepEqual(
      enumValues.map((value) => [value.name, value.value]).sort(),
      option.values.map((value) => [optionConstant(value), value]).sort(),
      option.graphqlEnum,
    );
  }
  const fieldsOf = (name: string) =>
    Object.keys((schema.getType(name) as import('graphql').GraphQLObjectType).getFields());
  for (const option of TOP_LEVEL_OPTIONS) {
    for (const type of ['CreateRunInput', 'RerunInput', 'Run'])
      assert.ok(fieldsOf(type).includes(optionField(option)), `${type}.${optionField(option)}`);
  }
});

// Writes the SDL to apps/server/schema.graphql: the dashboard generates its client types from it.
import { writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { graphqlSchema } from '../src/graphql/schema.ts';

const target = new URL('../schema.graphql', import.meta.url);
const sdl = printSchema(lexicographicSortSchema(await graphqlSchema()));
await writeFile(target, `${sdl}\n`);
console.log(`wrote ${target.pathname}`);

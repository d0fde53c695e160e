// The CHECK constraints of the migrations hold the same option lists as @latent-lab/domain, and the
// RunStatus enum the same statuses: a value added to (or dropped from) one side fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOISE_MODES, NOISE_SCHEDULES, RUN_STATUSES } from '@latent-lab/domain';
import type { Database } from '../src/index.ts';
import { describeEachMode } from './databases.ts';
import { prismaOf } from '../src/client.ts';

/**
 * Which domain list each option column's CHECK must equal, as "<table>.<column>". A run's options
 * are one JSON value (validated by the domain's schema), so only the presets' columns remain.
 */
const OPTION_COLUMNS: Record<string, readonly string[]> = {
  'NoisePreset.mode': NOISE_MODES,
  'NoisePreset.schedule': NOISE_SCHEDULES,
};

interface Check {
  table: string;
  name: string;
  definition: string;
}

async function checkConstraints(db: Database): Promise<Check[]> {
  return prismaOf(db.client).$queryRawUnsafe<Check[]>(
    `SELECT c.relname AS "table", k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'c' AND n.nspname = current_schema() AND c.relname IN ('Run', 'NoisePreset')
      ORDER BY c.relname, k.conname`,
  );
}

/**
 * The column and values of an `IN (...)` check, which PostgreSQL stores (and pg_get_constraintdef
 * prints) as `CHECK ((column = ANY (ARRAY['a'::text, 'b'::text])))`; undefined for other checks.
 */
function inList(definition: string): { column: string; values: string[] } | undefined {
  const match = /^CHECK \(\("?(\w+)"? = ANY \(ARRAY\[(.*)\]\)\)\)$/.exec(definition);
  if (!match) return undefined;
  const values = [...match[2]!.matchAll(/'((?:[^']|'')*)'::text/g)].map((value) =>
    value[1]!.replace(/''/g, "'"),
  );
  return { column: match[1]!, values };
}

/**
 * The numbers a range check compares with, in order: `CHECK (((fps >= (1)::double precision) AND
 * (fps <= (50)::double precision)))` gives [1, 50], `seed <= '4294967295'::bigint` gives 4294967295.
 */
function bounds(definition: string): number[] {
  return [...definition.matchAll(/[<>]=\s*\(?'?(-?\d+(?:\.\d+)?)/g)].map((match) =>
    Number(match[1]),
  );
}

const sorted = (values: readonly string[]) => [...values].sort();

describeEachMode('option lists: database checks against the domain', (context) => {
  test('every IN (...) check on Run and NoisePreset lists exactly the domain option list', async () => {
    const checks = await checkConstraints(context().db);
    const found = new Map<string, string[]>();
    for (const check of checks) {
      const list = inList(check.definition);
      if (!list) continue;
      const key = `${check.table}.${list.column}`;
      const expected = OPTION_COLUMNS[key];
      assert.ok(
        expected,
        `${check.name} (${check.definition}) checks a column with no domain list`,
      );
      assert.ok(!found.has(key), `${key} has more than one option check`);
      assert.equal(
        check.name,
        `${check.table}_${list.column}_check`,
        'the name createRun uses to report the field',
      );
      assert.deepEqual(
        sorted(list.values),
        sorted(expected),
        `${check.name} allows ${list.values.join(', ')}; the domain lists ${expected.join(', ')}`,
      );
      found.set(key, list.values);
    }
    assert.deepEqual(
      [...found.keys()].sort(),
      Object.keys(OPTION_COLUMNS).sort(),
      'every option column has its check',
    );
  });

  test('the presets keep levels non-negative', async () => {
    const checks = new Map(
      (await checkConstraints(context().db)).map((check) => [check.name, check.definition]),
    );
    assert.deepEqual(bounds(checks.get('NoisePreset_level_check') ?? ''), [0]);
  });

  test('NoisePreset_builtIn_check (not an option list) ties builtIn to having no workspace', async () => {
    const checks = new Map(
      (await checkConstraints(context().db)).map((check) => [check.name, check.definition]),
    );
    const definition = checks.get('NoisePreset_builtIn_check') ?? '';
    assert.equal(inList(definition), undefined);
    assert.match(definition, /^CHECK \(\("builtIn" = \("workspaceId" IS NULL\)\)\)$/);
  });

  test('the RunStatus enum holds exactly the domain run statuses, in order', async () => {
    const labels = await prismaOf(context().db.client).$queryRawUnsafe<{ label: string }[]>(
      `SELECT e.enumlabel AS label
         FROM pg_enum e
         JOIN pg_type t ON t.oid = e.enumtypid
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typname = 'RunStatus' AND n.nspname = current_schema()
        ORDER BY e.enumsortorder`,
    );
    assert.deepEqual(
      labels.map((row) => row.label),
      [...RUN_STATUSES],
    );
  });
});

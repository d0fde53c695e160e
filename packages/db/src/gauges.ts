// Counts read when metrics are scraped: runs by status and pg-boss's jobs of a queue by state.
import type { RunStatus } from '@latent-lab/domain';
import { prismaOf, type DbClient } from './client.ts';

/** Runs per status, across every workspace. */
export async function countRunsByStatus(
  client: DbClient,
): Promise<{ status: RunStatus; count: number }[]> {
  const prisma = prismaOf(client);
  const groups = await prisma.run.groupBy({ by: ['status'], _count: { _all: true } });
  return groups.map((group) => ({ status: group.status as RunStatus, count: group._count._all }));
}

export interface QueueStateCount {
  /** pg-boss's state: created, retry, active, completed, cancelled, failed. */
  state: string;
  count: number;
  /** Seconds since the oldest of these jobs was created (for active: since it started). */
  oldestAgeSeconds: number;
}

/**
 * A pg-boss queue's jobs by state, read from its job table (schema pgboss) in the same database.
 * Empty until pg-boss has created its schema.
 */
export async function countQueueJobs(client: DbClient, queue: string): Promise<QueueStateCount[]> {
  const prisma = prismaOf(client);
  const [present] = await prisma.$queryRaw<{ present: boolean }[]>`
    SELECT to_regclass('pgboss.job') IS NOT NULL AS present`;
  if (!present?.present) return [];
  const rows = await prisma.$queryRaw<{ state: string; count: number; age: number | null }[]>`
    SELECT state::text AS state, count(*)::int AS count,
           extract(epoch FROM now() - min(CASE WHEN state = 'active' THEN started_on ELSE created_on END))::float8 AS age
      FROM pgboss.job WHERE name = ${queue} GROUP BY state`;
  return rows.map((row) => ({
    state: row.state,
    count: Number(row.count),
    oldestAgeSeconds: Math.max(0, Number(row.age ?? 0)),
  }));
}

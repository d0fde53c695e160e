// Sweeps: a grid of runs over up to three options. The sweep row keeps the axes; each run keeps
// its cell's coordinates, and all of them are created in one transaction under the run quota.
import {
  sweepCoordinates,
  type Connection,
  type RunRecord,
  type SweepAxis,
  type SweepCellRecord,
  type SweepRecord,
} from '@latent-lab/domain';
import { prismaOf, type DbClient } from './client.ts';
import type { Prisma, Sweep } from './generated/client.ts';
import { inWorkspace } from './lookups.ts';
import { newestFirstPage, type PageArgs } from './pagination.ts';
import { isUuid } from './prisma-errors.ts';
import { checkRunQuota, lockWorkspace } from './quotas.ts';
import { insertRun, keyframeIds, record, type NewRunRow } from './runs.ts';

export interface NewSweepRow {
  workspaceId: string;
  createdById: string | null;
  name: string;
  /** Values in the domain's spelling, as validated by parseSweep. */
  axes: SweepAxis[];
}

export interface NewSweepCell {
  coordinates: number[];
  run: NewRunRow;
}

function toSweepRecord(row: Sweep): SweepRecord {
  return { ...row, axes: row.axes as unknown as SweepAxis[] };
}

/** Up to 64 cells of a few statements each: more than the default 5 s on a busy database. */
const SWEEP_TRANSACTION_MS = 60_000;

/**
 * Stores the sweep and every cell's QUEUED run in one transaction, with the workspace locked while
 * its active runs are counted against the quota with all the cells at once: all or nothing.
 */
export async function createSweep(
  client: DbClient,
  sweep: NewSweepRow,
  cells: readonly NewSweepCell[],
  quota: { maxActiveRuns: number; maxStorageBytes: number },
): Promise<{ sweep: SweepRecord; runs: RunRecord[] }> {
  return prismaOf(client).$transaction(
    async (tx) => {
      await lockWorkspace(tx, sweep.workspaceId);
      await checkRunQuota(tx, sweep.workspaceId, quota, cells.length);
      const row = await tx.sweep.create({
        data: { ...sweep, axes: sweep.axes as unknown as Prisma.InputJsonArray },
      });
      const runs: RunRecord[] = [];
      for (const cell of cells)
        runs.push(
          await insertRun(tx, cell.run, { sweepId: row.id, sweepCoordinates: cell.coordinates }),
        );
      return { sweep: toSweepRecord(row), runs };
    },
    { timeout: SWEEP_TRANSACTION_MS, maxWait: SWEEP_TRANSACTION_MS },
  );
}

/** The sweep, or null when unknown or (with workspaceId) in another workspace. */
export async function getSweep(
  client: DbClient,
  id: string,
  workspaceId?: string,
): Promise<SweepRecord | null> {
  if (!isUuid(id)) return null;
  const row = await prismaOf(client).sweep.findFirst({
    where: { id, ...inWorkspace(workspaceId) },
  });
  return row && toSweepRecord(row);
}

/** The workspace's sweeps, newest first, a keyset page at a time. */
export async function listSweeps(
  client: DbClient,
  workspaceId: string,
  args: PageArgs = {},
): Promise<Connection<SweepRecord>> {
  const prisma = prismaOf(client);
  const page = await newestFirstPage(
    { workspaceId },
    args,
    (query) => prisma.sweep.findMany(query),
    (query) => prisma.sweep.count(query),
  );
  return { ...page, nodes: page.nodes.map(toSweepRecord) };
}

/** Every cell of the sweep in axis order (first axis slowest), each with its run if it still exists. */
export async function sweepCells(client: DbClient, sweep: SweepRecord): Promise<SweepCellRecord[]> {
  const rows = await prismaOf(client).run.findMany({
    where: { sweepId: sweep.id },
    include: keyframeIds,
  });
  const byCell = new Map(rows.map((row) => [row.sweepCoordinates.join(','), row]));
  return sweepCoordinates(sweep.axes).map((coordinates) => {
    const row = byCell.get(coordinates.join(','));
    return { coordinates, run: row ? record(row) : null };
  });
}

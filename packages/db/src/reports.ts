// Saved reports: named snapshots of a view, one workspace's each. Inputs are validated by the
// domain schema (parseReport) and the runs a view names are checked by the service before they
// reach this layer; the view is stored as one JSON value.
import type { Connection, ReportParams, ReportRecord, ReportView } from '@latent-lab/domain';
import { DbError } from './errors.ts';
import type { Prisma, Report } from './generated/client.ts';
import { prismaOf, type DbClient } from './client.ts';
import { newestFirstPage, type PageArgs } from './pagination.ts';
import { isUuid } from './prisma-errors.ts';

function toReportRecord(row: Report): ReportRecord {
  return { ...row, view: row.view as unknown as ReportView };
}

function storedView(view: ReportView): Prisma.InputJsonObject {
  return view as unknown as Prisma.InputJsonObject;
}

function notFound(id: string): DbError {
  return new DbError('NOT_FOUND', `report ${id} not found`, { field: 'id' });
}

export async function createReport(
  client: DbClient,
  input: ReportParams & { workspaceId: string; createdById: string | null },
): Promise<ReportRecord> {
  const { view, ...fields } = input;
  const row = await prismaOf(client).report.create({
    data: { ...fields, view: storedView(view) },
  });
  return toReportRecord(row);
}

/** The workspace's report, or null for anything else (another workspace's never shows). */
export async function getReport(
  client: DbClient,
  id: string,
  workspaceId: string,
): Promise<ReportRecord | null> {
  if (!isUuid(id)) return null;
  const row = await prismaOf(client).report.findFirst({ where: { id, workspaceId } });
  return row ? toReportRecord(row) : null;
}

/** The workspace's reports, newest first. */
export async function listReports(
  client: DbClient,
  workspaceId: string,
  args: PageArgs = {},
): Promise<Connection<ReportRecord>> {
  const prisma = prismaOf(client);
  const page = await newestFirstPage(
    { workspaceId },
    args,
    (query) => prisma.report.findMany(query),
    (query) => prisma.report.count(query),
  );
  return { ...page, nodes: page.nodes.map(toReportRecord) };
}

/** Changes the given fields of the workspace's report. */
export async function updateReport(
  client: DbClient,
  id: string,
  workspaceId: string,
  changes: Partial<ReportParams>,
): Promise<ReportRecord> {
  const prisma = prismaOf(client);
  if (!isUuid(id)) throw notFound(id);
  const { view, ...fields } = changes;
  const data = { ...fields, ...(view ? { view: storedView(view) } : {}) };
  const { count } = await prisma.report.updateMany({ where: { id, workspaceId }, data });
  if (count === 0) throw notFound(id);
  return toReportRecord(await prisma.report.findUniqueOrThrow({ where: { id } }));
}

export async function deleteReport(
  client: DbClient,
  id: string,
  workspaceId: string,
): Promise<void> {
  if (!isUuid(id)) throw notFound(id);
  const { count } = await prismaOf(client).report.deleteMany({ where: { id, workspaceId } });
  if (count === 0) throw notFound(id);
}

import {
  createReport,
  deleteReport,
  getReport,
  getRuns,
  listReports,
  updateReport,
  type DbClient,
} from '@latent-lab/db';
import {
  authorize,
  authorizeEdit,
  checkPage,
  DomainError,
  notFound,
  parseReport,
  parseReportUpdate,
  type Actor,
  type Connection,
  type FieldIssue,
  type PageArgs,
  type ReportRecord,
  type ReportView,
  type RunLimits,
} from '@latent-lab/domain';

/** Drops nulls: an omitted or null field in an update leaves the stored value as it is. */
function defined(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value != null));
}

/**
 * Reports: every member of the workspace reads them (viewers too), members make them, their
 * authors and admins change and delete them. A view is checked against the workspace's own data
 * before anything is stored.
 */
export class ReportService {
  constructor(
    private readonly db: DbClient,
    private readonly limits: RunLimits,
    private readonly maxPageSize: number,
  ) {}

  list(actor: Actor, page: PageArgs): Promise<Connection<ReportRecord>> {
    authorize(actor, 'read');
    return listReports(this.db, actor.workspaceId, checkPage(page, this.maxPageSize));
  }

  /** The report, or null when it is not in the actor's workspace. */
  get(actor: Actor, id: string): Promise<ReportRecord | null> {
    authorize(actor, 'read');
    return getReport(this.db, id, actor.workspaceId);
  }

  async create(actor: Actor, input: object): Promise<ReportRecord> {
    authorize(actor, 'create');
    const report = parseReport(defined(input), this.limits);
    await this.checkView(actor, report.view);
    return createReport(this.db, {
      ...report,
      workspaceId: actor.workspaceId,
      createdById: actor.userId,
    });
  }

  async update(actor: Actor, id: string, input: object): Promise<ReportRecord> {
    await this.requireEditable(actor, id);
    const changes = parseReportUpdate(defined(input), this.limits);
    if (changes.view) await this.checkView(actor, changes.view);
    return updateReport(this.db, id, actor.workspaceId, changes);
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    await this.requireEditable(actor, id);
    await deleteReport(this.db, id, actor.workspaceId);
    return true;
  }

  private async requireEditable(actor: Actor, id: string): Promise<void> {
    const report = await this.get(actor, id);
    if (!report) throw notFound('report', id);
    authorizeEdit(actor, report.createdById);
  }

  /**
   * What only the data can tell: every run the view names is one of the workspace's (another
   * workspace's run reads as unknown, as everywhere), and the frame is within the longest of them.
   * A new kind of view adds its own checks here.
   */
  private async checkView(actor: Actor, view: ReportView): Promise<void> {
    const runs = new Map(
      (await getRuns(this.db, view.runIds, actor.workspaceId)).map((run) => [run.id, run]),
    );
    const issues: FieldIssue[] = view.runIds.flatMap((id, i) =>
      runs.has(id)
        ? []
        : [
            {
              field: `view.runIds[${i}]`,
              message: `view.runIds[${i}]: no run ${id} in this workspace`,
            },
          ],
    );
    if (issues.length === 0) {
      const positions = Math.max(...[...runs.values()].map((run) => run.params.steps));
      if (view.frame > positions - 1)
        issues.push({
          field: 'view.frame',
          message: `view.frame must be from 0 to ${positions - 1} (one step per frame of the longest run), got ${view.frame}`,
        });
    }
    if (issues.length === 0) return;
    const message =
      issues.length === 1 ? issues[0]!.message : issues.map((issue) => issue.message).join('; ');
    throw new DomainError('invalid', 'INVALID_INPUT', message, { issues });
  }
}

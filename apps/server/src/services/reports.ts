import {
  createReport,
  deleteReport,
  getReport,
  getRuns,
  getSweep,
  listReports,
  sweepCells,
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
  type CompareView,
  type Connection,
  type FieldIssue,
  type PageArgs,
  type ReportRecord,
  type ReportView,
  type RunLimits,
  type RunRecord,
  type SweepView,
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
   * What only the data can tell: everything the view names is the workspace's own (another
   * workspace's run or sweep reads as unknown, as everywhere), and its positions are within it.
   */
  private async checkView(actor: Actor, view: ReportView): Promise<void> {
    const issues =
      view.kind === 'compare'
        ? await this.compareIssues(actor, view)
        : await this.sweepIssues(actor, view);
    if (issues.length === 0) return;
    const message =
      issues.length === 1 ? issues[0]!.message : issues.map((issue) => issue.message).join('; ');
    throw new DomainError('invalid', 'INVALID_INPUT', message, { issues });
  }

  /** Every run is the workspace's, and the frame is within the longest of them. */
  private async compareIssues(actor: Actor, view: CompareView): Promise<FieldIssue[]> {
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
    if (issues.length > 0) return issues;
    return frameIssues(view.frame, [...runs.values()]);
  }

  /**
   * The sweep is the workspace's; the tab is a value of its third axis, the plot's axis one of its
   * axes, and the frame within the longest of its runs (those not deleted).
   */
  private async sweepIssues(actor: Actor, view: SweepView): Promise<FieldIssue[]> {
    const sweep = await getSweep(this.db, view.sweepId, actor.workspaceId);
    if (!sweep)
      return [
        {
          field: 'view.sweepId',
          message: `view.sweepId: no sweep ${view.sweepId} in this workspace`,
        },
      ];
    const issues: FieldIssue[] = [];
    const tabs = sweep.axes[2]?.values.length ?? 1;
    if (view.tab > tabs - 1)
      issues.push({
        field: 'view.tab',
        message:
          tabs === 1
            ? `view.tab must be 0 (this sweep has no third axis), got ${view.tab}`
            : `view.tab must be from 0 to ${tabs - 1} (a value of the third axis), got ${view.tab}`,
      });
    if (view.by > sweep.axes.length - 1)
      issues.push({
        field: 'view.by',
        message: `view.by must be from 0 to ${sweep.axes.length - 1} (one of the sweep's axes), got ${view.by}`,
      });
    const runs = (await sweepCells(this.db, sweep)).flatMap((cell) => (cell.run ? [cell.run] : []));
    if (runs.length > 0) issues.push(...frameIssues(view.frame, runs));
    return issues;
  }
}

/** The shared frame: one step per frame of the longest of these runs. */
function frameIssues(frame: number, runs: readonly RunRecord[]): FieldIssue[] {
  const positions = Math.max(...runs.map((run) => run.params.steps));
  return frame > positions - 1
    ? [
        {
          field: 'view.frame',
          message: `view.frame must be from 0 to ${positions - 1} (one step per frame of the longest run), got ${frame}`,
        },
      ]
    : [];
}

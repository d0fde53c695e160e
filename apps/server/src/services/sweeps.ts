import { createSweep, getSweep, listSweeps, sweepCells, type DbClient } from '@latent-lab/db';
import {
  authorize,
  checkPage,
  DomainError,
  parseSweep,
  type Actor,
  type Connection,
  type PageArgs,
  type RunLimits,
  type SweepAxis,
  type SweepCellRecord,
  type SweepRecord,
} from '@latent-lab/domain';
import { randomSeed, type CreateRunCommand, type RunService } from './runs.ts';

/** A sweep as a caller asks for it: a base run and its axes, values in the domain's spelling. */
export interface CreateSweepCommand {
  name?: string | null;
  base: CreateRunCommand;
  axes: SweepAxis[];
}

export interface SweepServiceOptions {
  db: DbClient;
  runs: RunService;
  limits: RunLimits;
  /** Per workspace: queued plus running runs; a sweep's runs count all at once. */
  maxActiveRuns: number;
  maxStorageBytes: number;
  /** A sweep is one mutation, whatever its number of runs. */
  limitMutation: (actor: Actor) => Promise<void>;
  maxPageSize: number;
}

/** A bad field of the base run (an unknown image or preset) named as the sweep's input names it. */
function inBase(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.kind !== 'invalid' || !error.field) return error;
  const field = `base.${error.field}`;
  const message = error.message.startsWith(`${error.field}: `)
    ? `base.${error.message}`
    : `${field}: ${error.message}`;
  return new DomainError(error.kind, error.code, message, { field, cause: error });
}

/** Sweeps: a grid of runs validated, stored and queued as a whole. */
export class SweepService {
  constructor(private readonly options: SweepServiceOptions) {}

  list(actor: Actor, page: PageArgs): Promise<Connection<SweepRecord>> {
    authorize(actor, 'read');
    return listSweeps(
      this.options.db,
      actor.workspaceId,
      checkPage(page, this.options.maxPageSize),
    );
  }

  /** The sweep, or null when it is not in the actor's workspace (another's never shows). */
  get(actor: Actor, id: string): Promise<SweepRecord | null> {
    authorize(actor, 'read');
    return getSweep(this.options.db, id, actor.workspaceId);
  }

  /** The cells of a sweep of the actor's workspace, in axis order. */
  cells(actor: Actor, sweep: SweepRecord): Promise<SweepCellRecord[]> {
    authorize(actor, 'read');
    if (sweep.workspaceId !== actor.workspaceId) return Promise.resolve([]);
    return sweepCells(this.options.db, sweep);
  }

  /**
   * Validates every cell's run before anything is stored, then stores the sweep with all its runs
   * in one transaction (the quota judges them together) and queues them. An omitted seed is drawn
   * once for the whole sweep, so cells differ only by their axes.
   */
  async create(actor: Actor, command: CreateSweepCommand): Promise<SweepRecord> {
    authorize(actor, 'create');
    const { db, runs, limits, maxActiveRuns, maxStorageBytes } = this.options;
    const { params, presetId } = await runs.explicitNoise(actor, command.base).catch((error) => {
      throw inBase(error);
    });
    const parsed = parseSweep(
      {
        name: command.name,
        base: {
          name: command.base.name,
          tags: command.base.tags ?? [],
          params: { ...params, seed: params.seed ?? randomSeed() },
        },
      },
      command.axes,
      limits,
    );
    // Model and keyframes are not options, so every cell shares the first cell's.
    const keyframes = await runs
      .keyframeImages(actor, parsed.cells[0]!.run.params)
      .catch((error) => {
        throw inBase(error);
      });
    await this.options.limitMutation(actor);
    // A noise axis makes each cell's noise its own rather than the preset's.
    const cellPreset = parsed.axes.some((axis) => axis.field.startsWith('noise.'))
      ? null
      : presetId;
    const created = await createSweep(
      db,
      {
        workspaceId: actor.workspaceId,
        createdById: actor.userId,
        name: parsed.name,
        axes: parsed.axes,
      },
      parsed.cells.map((cell) => ({
        coordinates: cell.coordinates,
        run: runs.runRow(actor, cell.run, keyframes, cellPreset),
      })),
      { maxActiveRuns, maxStorageBytes },
    );
    for (const run of created.runs) await runs.queue(run, keyframes);
    return created.sweep;
  }
}

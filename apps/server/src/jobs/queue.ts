import type { Database } from '@latent-lab/db';
import type { RenderJob } from '@latent-lab/domain';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

export const RENDER_QUEUE = 'render-run';

export type { RenderJob };

export interface QueueOptions {
  /**
   * A render job still active after this long is failed by pg-boss and retried by another worker:
   * how soon a dead worker's run is taken over. Workers render in slices of half of it.
   */
  expireInSeconds: number;
}

/**
 * Retries of one job: each expiry (a dead worker) or hand-back (a stopping worker, a run another
 * live worker still holds) counts one. A slice that ends normally sends a new job, so a long run
 * never uses them up.
 */
export const RENDER_RETRY_LIMIT = 20;
/** Seconds before a failed or expired render job can be fetched again. */
export const RENDER_RETRY_DELAY = 1;
/** How often pg-boss looks for expired jobs (once per interval across all processes). */
const MAINTENANCE_INTERVAL_SECONDS = 2;

/** pg-boss on the same database: its own pool in postgres mode, the embedded instance in pglite mode. */
export async function openQueue(db: Database, log: Logger, options: QueueOptions): Promise<PgBoss> {
  const common = { schedule: false, maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS };
  const boss = db.bossDb
    ? new PgBoss({ db: db.bossDb, supervise: true, ...common })
    : new PgBoss({ connectionString: db.connectionString ?? undefined, max: 4, ...common });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  const settings = {
    retryLimit: RENDER_RETRY_LIMIT,
    retryDelay: RENDER_RETRY_DELAY,
    retryBackoff: false,
    expireInSeconds: options.expireInSeconds,
  };
  if (!(await boss.getQueue(RENDER_QUEUE))) {
    try {
      await boss.createQueue(RENDER_QUEUE, { name: RENDER_QUEUE, ...settings });
    } catch (error) {
      // Another process created it at the same moment.
      if (!(await boss.getQueue(RENDER_QUEUE))) throw error;
    }
  }
  // A queue created by an older version (or another expiry setting) takes these settings; jobs
  // copy them when they are sent.
  await boss.updateQueue(RENDER_QUEUE, { name: RENDER_QUEUE, ...settings });
  return boss;
}

export async function enqueueRender(boss: PgBoss, job: RenderJob): Promise<void> {
  await boss.send(RENDER_QUEUE, job);
}

import type { Database } from '@latent-lab/db';
import type { RenderJob } from '@latent-lab/domain';
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';

export const RENDER_QUEUE = 'render-run';
/**
 * Where pg-boss moves a render job that has used all its retries (its dead letter queue): a
 * worker fails the job's run there, which would otherwise stay RUNNING (or QUEUED) for good.
 */
export const RENDER_DEAD_QUEUE = 'render-run-dead';

export type { RenderJob };

export interface QueueOptions {
  /**
   * A worker refreshes each active render job this often (half of it, in fact); a job whose
   * heartbeat is older is failed by pg-boss and retried by another worker: how soon a dead
   * worker's run is taken over. pg-boss requires at least 10.
   */
  heartbeatSeconds: number;
  /**
   * Retries of one job: each dead worker (a missed heartbeat) or hand-back (a stopping worker, a
   * run another live worker still holds) counts one. A run that renders normally uses none,
   * however long; one whose job uses them all goes to RENDER_DEAD_QUEUE.
   */
  retryLimit: number;
}

/** Seconds before a failed or handed-back render job can be fetched again. */
export const RENDER_RETRY_DELAY = 1;
/**
 * A job's expiry, the longest pg-boss allows (24 h): heartbeats, not expiry, find dead workers, so
 * this only bounds the length of one run.
 */
export const RENDER_EXPIRE_SECONDS = 24 * 60 * 60;
/** How often pg-boss looks for jobs with a stale heartbeat (once per interval across all processes). */
const SUPERVISE_INTERVAL_SECONDS = 2;

/**
 * pg-boss on the same database: its own pool in postgres mode, the embedded instance in pglite mode.
 * pg-boss creates its schema, or migrates one made by an older version, when it starts.
 */
export async function openQueue(db: Database, log: Logger, options: QueueOptions): Promise<PgBoss> {
  const common = {
    schedule: false,
    superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    monitorIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    // The trace active at send() (the createRun request) is stored on the job and continued by
    // the worker that processes it; a no-op while no tracer provider is registered.
    openTelemetry: { propagateContext: true },
  };
  const boss = db.bossDb
    ? new PgBoss({ db: db.bossDb, backend: 'pglite', ...common })
    : new PgBoss({ connectionString: db.connectionString ?? undefined, max: 4, ...common });
  boss.on('error', (error: unknown) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  const settings = {
    retryLimit: options.retryLimit,
    retryDelay: RENDER_RETRY_DELAY,
    retryBackoff: false,
    expireInSeconds: RENDER_EXPIRE_SECONDS,
    heartbeatSeconds: options.heartbeatSeconds,
    deadLetter: RENDER_DEAD_QUEUE,
  };
  // The dead letter queue first: a queue names its dead letter queue by a foreign key.
  await ensureQueue(boss, RENDER_DEAD_QUEUE, {
    retryLimit: DEAD_RETRY_LIMIT,
    retryDelay: DEAD_RETRY_DELAY,
  });
  await ensureQueue(boss, RENDER_QUEUE, settings);
  // A queue created by an older version (or with other settings) takes these; jobs copy them when
  // they are sent.
  await boss.updateQueue(RENDER_QUEUE, settings);
  return boss;
}

/** Failing a retried-out run is tried again (the database was away) this often, this far apart. */
const DEAD_RETRY_LIMIT = 5;
const DEAD_RETRY_DELAY = 10;

async function ensureQueue(
  boss: PgBoss,
  name: string,
  settings: Parameters<PgBoss['createQueue']>[1],
): Promise<void> {
  if (await boss.getQueue(name)) return;
  try {
    await boss.createQueue(name, settings);
  } catch (error) {
    // Another process created it at the same moment.
    if (!(await boss.getQueue(name))) throw error;
  }
}

export async function enqueueRender(boss: PgBoss, job: RenderJob): Promise<void> {
  await boss.send(RENDER_QUEUE, job);
}

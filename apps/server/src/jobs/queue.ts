import type { Database } from '@latent-lab/db';
import type { RenderJob } from '@latent-lab/domain';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

export const RENDER_QUEUE = 'render-run';

export type { RenderJob };

/** pg-boss on the same database: its own pool in postgres mode, the embedded instance in pglite mode. */
export async function openQueue(db: Database, log: Logger): Promise<PgBoss> {
  const boss = db.bossDb
    ? new PgBoss({ db: db.bossDb, supervise: true, schedule: false })
    : new PgBoss({ connectionString: db.connectionString ?? undefined, max: 4, schedule: false });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  if (!(await boss.getQueue(RENDER_QUEUE))) {
    try {
      await boss.createQueue(RENDER_QUEUE, { name: RENDER_QUEUE, retryLimit: 2, retryDelay: 5 });
    } catch (error) {
      // Another process created it at the same moment.
      if (!(await boss.getQueue(RENDER_QUEUE))) throw error;
    }
  }
  return boss;
}

export async function enqueueRender(boss: PgBoss, job: RenderJob): Promise<void> {
  await boss.send(RENDER_QUEUE, job);
}

import type { Config } from '@latent-lab/config';
import { openDatabase, type Database } from '@latent-lab/db';
import { DEFAULT_MODEL_ID } from '@latent-lab/engine';
import { openStorage, type Storage } from '@latent-lab/storage';
import type { PgBoss } from 'pg-boss';
import { pino, type Logger } from 'pino';
import { redaction } from './log-redaction.ts';
import { EventBus } from './events/bus.ts';
import { AdvisoryRunLocks, ProcessRunLocks } from './jobs/locks.ts';
import { openQueue, RENDER_QUEUE } from './jobs/queue.ts';
import { ThreadRenderer } from './jobs/renderer.ts';
import { RunWorker } from './jobs/worker.ts';
import { Metrics } from './metrics.ts';

/** What both the API process and a worker-only process open: database, storage, events, queue. */
export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  storage: Storage;
  bus: EventBus;
  boss: PgBoss;
  metrics: Metrics;
  close(): Promise<void>;
}

export function createLogger(config: Config, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    // The access log's URLs lose their secrets in http/app.ts (redactUrl).
    redact: redaction,
  });
}

export async function openRuntime(
  config: Config,
  log: Logger,
  role: 'api' | 'worker' = 'api',
): Promise<Runtime> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrate: config.migrateOnStart,
  });
  const closers: (() => Promise<void>)[] = [() => db.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const storage = openStorage(config.storage);
    closers.push(async () => storage.close?.());
    const bus = await EventBus.open(db, (payload) =>
      log.warn({ payload }, 'ignored a malformed event'),
    );
    closers.push(() => bus.close());
    const boss = await openQueue(db, log, {
      heartbeatSeconds: config.renderJobHeartbeatSeconds,
      retryLimit: config.renderJobRetryLimit,
    });
    closers.push(() => boss.stop({ graceful: false }));
    const metrics = new Metrics(db, RENDER_QUEUE, role);
    return { config, log, db, storage, bus, boss, metrics, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Starts a worker on the runtime; the returned function stops it and frees the engine. */
export async function startWorker(runtime: Runtime): Promise<() => Promise<void>> {
  const { config, db, storage, bus, boss, log, metrics } = runtime;
  const renderer = new ThreadRenderer(
    {
      storage: config.storage,
      intraOpThreads: config.intraOpThreads,
      imageLimits: { maxInputPixels: config.maxInputPixels },
      models: config.models,
    },
    config.workerConcurrency,
    {
      abovePixels: config.renderReleaseAbovePixels,
      onRelease: () => metrics.renderModelReleases.inc(),
    },
    () => metrics.renderStoreWaits.inc(),
  );
  const locks = db.connectionString
    ? await AdvisoryRunLocks.connect(db.connectionString)
    : new ProcessRunLocks();
  const worker = new RunWorker({
    prisma: db.client,
    boss,
    bus,
    storage,
    renderer,
    locks,
    log: log.child({ component: 'worker' }),
    concurrency: config.workerConcurrency,
    metrics,
    pollSeconds: config.renderJobPollSeconds,
  });
  renderer.warm(DEFAULT_MODEL_ID);
  await worker.start();
  log.info({ concurrency: config.workerConcurrency, mode: db.mode }, 'worker started');
  return async () => {
    await worker.stop();
    await locks.close();
    await renderer.close();
  };
}

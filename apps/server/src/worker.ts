// A worker-only process (npm run worker): renders queued runs; events reach API processes through
// PostgreSQL LISTEN/NOTIFY. Needs DATABASE_URL: embedded PGlite belongs to one process.
import { ConfigError, loadConfig } from '@latent-lab/config';
import { startHeartbeat } from './health/heartbeat.ts';
import { createLogger, openRuntime, startWorker } from './runtime.ts';

const config = loadConfig(process.env);
if (!config.databaseUrl) {
  throw new ConfigError(
    'npm run worker needs DATABASE_URL: with embedded PGlite the worker runs inside the server',
  );
}
const log = createLogger(config, 'latent-lab-worker');
const runtime = await openRuntime(config, log);
const stopWorker = await startWorker(runtime);
// WORKER_HEARTBEAT_FILE (for container health checks, see health/heartbeat.ts): rewritten every
// 10 s after a query through this worker's database connection.
const heartbeat = config.workerHeartbeatFile
  ? await startHeartbeat({
      file: config.workerHeartbeatFile,
      check: () => runtime.db.prisma.$queryRaw`SELECT 1`,
    })
  : undefined;
let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  log.info(`${signal}: stopping the worker`);
  Promise.resolve(heartbeat?.stop())
    .then(() => stopWorker())
    .then(() => runtime.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'worker shutdown failed');
        process.exit(1);
      },
    );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

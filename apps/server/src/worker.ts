// A worker-only process (npm run worker): renders queued runs; events reach API processes through
// PostgreSQL LISTEN/NOTIFY. Needs DATABASE_URL: embedded PGlite belongs to one process.
import { ConfigError, loadConfig } from '@latent-lab/config';
import { startHeartbeat } from './health/heartbeat.ts';
import { ReadinessChecks } from './health/probes.ts';
import { startOpsListener } from './http/ops-listener.ts';
import { createLogger, openRuntime, startWorker } from './runtime.ts';
import { startTracing } from './tracing.ts';

const config = loadConfig(process.env);
if (!config.databaseUrl) {
  throw new ConfigError(
    'npm run worker needs DATABASE_URL: with embedded PGlite the worker runs inside the server',
  );
}
const log = createLogger(config, 'latent-lab-worker');
const stopTracing = startTracing(config.tracing);
const runtime = await openRuntime(config, log, 'worker');
const stopWorker = await startWorker(runtime);
// WORKER_HEARTBEAT_FILE (for container health checks, see health/heartbeat.ts): rewritten every
// 10 s after a query through this worker's database connection.
const heartbeat = config.workerHeartbeatFile
  ? await startHeartbeat({
      file: config.workerHeartbeatFile,
      check: () => runtime.db.ping(),
    })
  : undefined;
// METRICS_PORT: /livez, /readyz and /metrics over HTTP (Kubernetes probes, Prometheus).
const ops =
  config.metricsPort === null
    ? undefined
    : await startOpsListener({
        port: config.metricsPort,
        host: config.host,
        readiness: new ReadinessChecks(runtime.db, runtime.storage),
        metrics: runtime.metrics,
      });
if (ops) log.info({ url: ops.url }, 'worker probes and metrics listening');
let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  log.info(`${signal}: stopping the worker`);
  Promise.resolve(heartbeat?.stop())
    .then(() => stopWorker())
    .then(() => ops?.close())
    .then(() => runtime.close())
    .then(() => stopTracing())
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

// The API server: GraphQL over HTTP and WebSocket, files, health, dashboard, and (by default) the worker.
import { loadConfig } from '@latent-lab/config';
import { startServer } from './server.ts';
import { startTracing } from './tracing.ts';

const config = loadConfig(process.env);
// Before the server opens anything, so every span has a provider (TRACES_EXPORTER; off by default).
const stopTracing = startTracing(config.tracing);
const server = await startServer(config);
let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.error(`${signal}: shutting down`);
  server
    .close()
    .then(() => stopTracing())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

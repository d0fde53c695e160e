// The API server: GraphQL over HTTP and WebSocket, files, health, dashboard, and (by default) the worker.
import { loadConfig } from '@latent-lab/config';
import { startServer } from './server.ts';

const server = await startServer(loadConfig(process.env));
let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.error(`${signal}: shutting down`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

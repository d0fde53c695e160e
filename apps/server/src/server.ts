import type { AddressInfo } from 'node:net';
import { RunStatus } from '@latent-lab/db';
import { loadConfig, type ServerConfig } from './config.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { graphqlSchema } from './graphql/schema.ts';
import { createHttpStack } from './http/app.ts';
import { enqueueRender } from './jobs/queue.ts';
import { createLogger, openRuntime, startWorker } from './runtime.ts';
import { ImageService } from './services/images.ts';
import { ModelService } from './services/models.ts';
import { PresetService } from './services/presets.ts';
import { ProgressService } from './services/progress.ts';
import { RunService } from './services/runs.ts';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:4000 (GraphQL at /graphql, WebSocket at ws://.../graphql). */
  url: string;
  close(): Promise<void>;
}

/** Starts the API (and the worker unless workerInProcess is false). Port 0 picks a free port. */
export async function startServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const config = { ...loadConfig(), ...overrides };
  const log = createLogger(config, 'latent-lab-server');
  const runtime = await openRuntime(config, log);
  const { db, storage, bus, boss } = runtime;
  const context: GraphQLContext = {
    api: {
      images: new ImageService(db.prisma, storage, {
        maxUploadBytes: config.maxUploadBytes,
        maxInputPixels: config.maxInputPixels,
      }),
      presets: new PresetService(db.prisma),
      runs: new RunService(db.prisma, storage, bus, (runId) => enqueueRender(boss, runId), {
        maxSteps: config.maxSteps,
        maxSide: config.maxSide,
      }),
      models: new ModelService(),
      progress: new ProgressService(db.prisma, bus),
    },
  };
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    const http = await createHttpStack({
      schema: await graphqlSchema(),
      context,
      storage,
      prisma: db.prisma,
      log,
      maxUploadBytes: config.maxUploadBytes,
      serveDashboard: config.serveDashboard,
      health: async () => ({
        database: db.mode,
        worker: config.workerInProcess ? 'in-process' : 'separate',
        queued: await db.prisma.run.count({ where: { status: RunStatus.QUEUED } }),
      }),
    });
    if (config.workerInProcess) stopWorker = await startWorker(runtime);
    await new Promise<void>((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(config.port, config.host, resolve);
    });
    const address = http.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
    log.info({ url, database: db.mode }, 'server listening');
    return {
      url,
      async close() {
        await stopWorker?.();
        await http.stop();
        await runtime.close();
      },
    };
  } catch (error) {
    await stopWorker?.();
    await runtime.close();
    throw error;
  }
}

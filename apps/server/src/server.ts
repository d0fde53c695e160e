import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Config } from '@latent-lab/config';
import { countRuns, serverSecret } from '@latent-lab/db';
import type { Actor } from '@latent-lab/domain';
import type { Services } from './graphql/context.ts';
import { graphqlSchema } from './graphql/schema.ts';
import { createHttpStack } from './http/app.ts';
import { enqueueRender } from './jobs/queue.ts';
import { createLogger, openRuntime, startWorker, type Runtime } from './runtime.ts';
import { AccountService } from './services/accounts.ts';
import { DownloadService } from './services/downloads.ts';
import { ImageService } from './services/images.ts';
import { ModelCatalog } from './services/models.ts';
import { PresetService } from './services/presets.ts';
import { ReportService } from './services/reports.ts';
import { ProgressService } from './services/progress.ts';
import { LoginLimiter, MutationLimiter } from './services/rate-limits.ts';
import { RunService } from './services/runs.ts';
import { SweepService } from './services/sweeps.ts';
import { UrlSigner } from './signed-urls.ts';
import { ReadinessChecks } from './health/probes.ts';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:4000 (GraphQL at /graphql, WebSocket at ws://.../graphql). */
  url: string;
  close(): Promise<void>;
}

/** The services over one runtime: what every edge (GraphQL, HTTP routes) calls. */
export function createServices(
  { config, db, storage, bus, boss }: Runtime,
  /** Where links point: PUBLIC_URL, else the server's own URL (known once it listens). */
  publicUrl: () => string = () => config.auth.publicUrl ?? `http://localhost:${config.port}`,
): Services {
  const models = new ModelCatalog(config.models);
  const mutations = new MutationLimiter(db.client, config.auth.mutationsPerMinute);
  const limitMutation = (actor: Actor) => mutations.consume(actor.userId);
  const runs = new RunService({
    db: db.client,
    storage,
    bus,
    enqueue: (job) => enqueueRender(boss, job),
    models,
    limits: config.limits,
    maxPageSize: config.maxPageSize,
    renderSlots: config.workerConcurrency,
    maxActiveRuns: config.auth.maxActiveRuns,
    maxStorageBytes: config.auth.maxStorageBytes,
    limitMutation,
  });
  return {
    accounts: new AccountService(
      db.client,
      bus,
      config.auth,
      new LoginLimiter(db.client, {
        pairAttempts: config.auth.signinAttempts,
        addressAttempts: config.auth.signinAddressAttempts,
      }),
      publicUrl,
    ),
    images: new ImageService(db.client, storage, {
      maxUploadBytes: config.maxUploadBytes,
      maxInputPixels: config.maxInputPixels,
      maxPageSize: config.maxPageSize,
      maxStorageBytes: config.auth.maxStorageBytes,
      limitMutation,
    }),
    presets: new PresetService(db.client, config.limits),
    runs,
    sweeps: new SweepService({
      db: db.client,
      runs,
      limits: config.limits,
      maxActiveRuns: config.auth.maxActiveRuns,
      maxStorageBytes: config.auth.maxStorageBytes,
      limitMutation,
      maxPageSize: config.maxPageSize,
    }),
    reports: new ReportService(db.client, config.limits, config.maxPageSize),
    models,
    progress: new ProgressService(db.client, bus),
    downloads: new DownloadService(db.client, storage),
  };
}

/** Starts the API (and the worker unless workerInProcess is false). Port 0 picks a free port. */
export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config, 'latent-lab-server');
  const runtime = await openRuntime(config, log);
  const { db, storage } = runtime;
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    const urls = new UrlSigner(
      await serverSecret(db.client, 'url-signing', () => randomBytes(32).toString('base64url')),
    );
    // PUBLIC_URL, else this server's own URL once it listens.
    let publicUrl = config.auth.publicUrl ?? '';
    const http = await createHttpStack({
      schema: await graphqlSchema(),
      services: createServices(runtime, () => publicUrl),
      urls,
      bus: runtime.bus,
      auth: config.auth,
      storage,
      log,
      maxUploadBytes: config.maxUploadBytes,
      maxQueryCost: config.maxQueryCost,
      sockets: config.sockets,
      serveDashboard: config.serveDashboard,
      readiness: new ReadinessChecks(db, storage),
      metrics: runtime.metrics,
      health: async () => ({
        database: db.mode,
        worker: config.workerInProcess ? 'in-process' : 'separate',
        queued: await countRuns(db.client, ['QUEUED']),
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
    publicUrl = config.auth.publicUrl ?? url;
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

// Prometheus metrics (prom-client) of an API or worker process, served at /metrics. Counters and
// histograms move as work happens; gauges of shared state (queue, runs) are read from the database
// at each scrape, so every process reports the same queue depth and an autoscaler can follow any.
import { countQueueJobs, countRunsByStatus, type Database } from '@latent-lab/db';
import type { RunParams } from '@latent-lab/domain';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Open GraphQL WebSockets and their subscriptions, as the API's WebSocket server counts them. */
export type SocketCounts = () => { sockets: number; subscriptions: number };

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RENDER_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

export class Metrics {
  readonly registry = new Registry();
  private socketCounts: SocketCounts = () => ({ sockets: 0, subscriptions: 0 });

  readonly frameDecodeSeconds = new Histogram({
    name: 'latent_lab_frame_decode_seconds',
    help: 'Time to decode one frame from latents, by model, size (WxH) and precision',
    labelNames: ['model', 'size', 'precision'] as const,
    buckets: RENDER_BUCKETS,
    registers: [this.registry],
  });

  readonly keyframeEncodeSeconds = new Histogram({
    name: 'latent_lab_keyframe_encode_seconds',
    help: "Time to encode a run's keyframes to latents (0 when cached), by model, size and precision",
    labelNames: ['model', 'size', 'precision'] as const,
    buckets: RENDER_BUCKETS,
    registers: [this.registry],
  });

  readonly framesRendered = new Counter({
    name: 'latent_lab_frames_rendered_total',
    help: 'Frames rendered and stored by this process',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly runsFinished = new Counter({
    name: 'latent_lab_runs_finished_total',
    help: 'Runs this process finished, by final status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'latent_lab_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly graphqlSeconds = new Histogram({
    name: 'latent_lab_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency over HTTP, by operation type and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(db: Database, queue: string, role: 'api' | 'worker') {
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    const queueJobs = new Gauge({
      name: 'latent_lab_queue_jobs',
      help: 'Render jobs in the queue, by pg-boss state',
      labelNames: ['state'] as const,
      registers,
    });
    const queueAge = new Gauge({
      name: 'latent_lab_queue_oldest_job_age_seconds',
      help: 'Age of the oldest render job in each state (active: since it started)',
      labelNames: ['state'] as const,
      registers,
    });
    new Gauge({
      name: 'latent_lab_queue_depth',
      help: 'Render jobs waiting for a worker (created or retry): the gauge to autoscale workers on',
      registers,
      async collect() {
        const states = await countQueueJobs(db.client, queue);
        queueJobs.reset();
        queueAge.reset();
        for (const { state, count, oldestAgeSeconds } of states) {
          queueJobs.set({ state }, count);
          queueAge.set({ state }, oldestAgeSeconds);
        }
        this.set(
          states
            .filter(({ state }) => state === 'created' || state === 'retry')
            .reduce((sum, { count }) => sum + count, 0),
        );
      },
    });
    new Gauge({
      name: 'latent_lab_runs',
      help: 'Runs by status, across all workspaces',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        this.reset();
        for (const { status, count } of await countRunsByStatus(db.client))
          this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'latent_lab_db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting clients, max); none with PGlite',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.reset();
        const use = db.poolUse();
        if (!use) return;
        for (const [state, value] of Object.entries(use)) this.set({ state }, value);
      },
    });
    const counts = () => this.socketCounts();
    new Gauge({
      name: 'latent_lab_websockets_open',
      help: 'Open GraphQL WebSocket connections (API processes)',
      registers,
      collect() {
        this.set(counts().sockets);
      },
    });
    new Gauge({
      name: 'latent_lab_subscriptions_active',
      help: 'Active GraphQL subscriptions over WebSockets (API processes)',
      registers,
      collect() {
        this.set(counts().subscriptions);
      },
    });
  }

  /** The API's WebSocket server reports its sockets through this. */
  countSocketsWith(counts: SocketCounts): void {
    this.socketCounts = counts;
  }

  /** Labels of a run's render timings. */
  static renderLabels(params: RunParams): { model: string; size: string; precision: string } {
    return {
      model: params.model,
      size: `${params.width}x${params.height}`,
      precision: params.precision,
    };
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

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
const RENDER_LABELS = ['model', 'size', 'precision'] as const;

export class Metrics {
  readonly registry = new Registry();
  private socketCounts: SocketCounts = () => ({ sockets: 0, subscriptions: 0 });

  readonly frameDecodeSeconds = this.histogram(
    'latent_lab_frame_decode_seconds',
    'Time to decode one frame from latents, by model, size (WxH) and precision',
    RENDER_LABELS,
    RENDER_BUCKETS,
  );
  readonly keyframeEncodeSeconds = this.histogram(
    'latent_lab_keyframe_encode_seconds',
    "Time to encode a run's keyframes to latents (0 when cached), by model, size and precision",
    RENDER_LABELS,
    RENDER_BUCKETS,
  );
  readonly framesRendered = this.counter(
    'latent_lab_frames_rendered_total',
    'Frames rendered and stored by this process',
    ['model'],
  );
  readonly renderModelReleases = this.counter(
    'latent_lab_render_model_releases_total',
    'Times a render thread closed its models after frames above RENDER_RELEASE_ABOVE_PIXELS, to give their memory back',
    [],
  );
  readonly renderStoreWaits = this.counter(
    'latent_lab_render_store_waits_total',
    'Times a render thread stopped decoding until the frames it had rendered were stored (the store was slower than decoding)',
    [],
  );
  readonly runsFinished = this.counter(
    'latent_lab_runs_finished_total',
    'Runs this process finished, by final status',
    ['status'],
  );
  readonly httpSeconds = this.histogram(
    'latent_lab_http_request_duration_seconds',
    'HTTP request latency, by method, route and status code',
    ['method', 'route', 'status'],
    LATENCY_BUCKETS,
  );
  readonly graphqlSeconds = this.histogram(
    'latent_lab_graphql_operation_duration_seconds',
    'GraphQL operation latency over HTTP, by operation type and outcome',
    ['operation', 'outcome'],
    LATENCY_BUCKETS,
  );

  constructor(db: Database, queue: string, role: 'api' | 'worker') {
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry });

    const queueJobs = this.gauge(
      'latent_lab_queue_jobs',
      'Render jobs in the queue, by pg-boss state',
      ['state'],
    );
    const queueAge = this.gauge(
      'latent_lab_queue_oldest_job_age_seconds',
      'Age of the oldest render job in each state (active: since it started)',
      ['state'],
    );
    this.gauge(
      'latent_lab_queue_depth',
      'Render jobs waiting for a worker (created or retry): the gauge to autoscale workers on',
      [],
      async (depth) => {
        const states = await countQueueJobs(db.client, queue);
        queueJobs.reset();
        queueAge.reset();
        for (const { state, count, oldestAgeSeconds } of states) {
          queueJobs.set({ state }, count);
          queueAge.set({ state }, oldestAgeSeconds);
        }
        depth.set(
          states
            .filter(({ state }) => state === 'created' || state === 'retry')
            .reduce((sum, { count }) => sum + count, 0),
        );
      },
    );
    this.gauge(
      'latent_lab_runs',
      'Runs by status, across all workspaces',
      ['status'],
      async (runs) => {
        runs.reset();
        for (const { status, count } of await countRunsByStatus(db.client))
          runs.set({ status }, count);
      },
    );
    this.gauge(
      'latent_lab_db_pool_connections',
      'Database pool connections by state (total, idle, waiting clients, max); none with PGlite',
      ['state'],
      (connections) => {
        connections.reset();
        const use = db.poolUse();
        if (!use) return;
        for (const [state, value] of Object.entries(use)) connections.set({ state }, value);
      },
    );
    this.gauge(
      'latent_lab_websockets_open',
      'Open GraphQL WebSocket connections (API processes)',
      [],
      (open) => open.set(this.socketCounts().sockets),
    );
    this.gauge(
      'latent_lab_subscriptions_active',
      'Active GraphQL subscriptions over WebSockets (API processes)',
      [],
      (active) => active.set(this.socketCounts().subscriptions),
    );
  }

  private histogram<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    buckets: number[],
  ): Histogram<Label> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  private counter<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
  ): Counter<Label> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge; one with `collect` is set from shared state at each scrape. */
  private gauge<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    collect?: (gauge: Gauge<Label>) => void | Promise<void>,
  ): Gauge<Label> {
    const gauge: Gauge<Label> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: collect && (() => collect(gauge)),
    });
    return gauge;
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

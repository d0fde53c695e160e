// @latent-lab/config: every environment variable of every process, parsed once with one zod
// schema and handed down. Packages below never read process.env; apps call loadConfig(process.env).
import { existsSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RUN_LIMITS, type RunLimits } from '@latent-lab/domain';
import { z } from 'zod';

/** The repository checkout: its models/ folder holds the manifests, and weights land there. */
const REPO_DIR = fileURLToPath(new URL('../../..', import.meta.url));
/** The shared offline mirror beside the checkout, when there is one. */
const SIBLING_MIRROR_DIR = resolve(REPO_DIR, '../shared/models');

/** Every environment variable read, with its default ('' means unset). */
export const ENV_DEFAULTS = {
  PORT: '4000',
  HOST: '0.0.0.0',
  DATABASE_URL: '',
  DATA_DIR: './data',
  WORKER_CONCURRENCY: '1',
  WORKER_IN_PROCESS: 'true',
  RENDER_RELEASE_ABOVE_PIXELS: String(1024 * 1024),
  MAX_UPLOAD_BYTES: String(25 * 1024 * 1024),
  MAX_INPUT_PIXELS: String(40e6),
  MAX_STEPS: String(DEFAULT_RUN_LIMITS.maxSteps),
  MAX_SIDE: String(DEFAULT_RUN_LIMITS.maxSide),
  MAX_NOISE_LEVEL: String(DEFAULT_RUN_LIMITS.maxNoiseLevel),
  MAX_PAGE_SIZE: '100',
  MAX_QUERY_COST: '10000',
  WS_MAX_SUBSCRIPTIONS: '50',
  WS_MAX_SOCKETS_PER_USER: '20',
  INTRA_OP_THREADS: '',
  LOG_LEVEL: 'info',
  SERVE_DASHBOARD: 'true',
  LATENT_LAB_MODELS_DIR: '',
  LATENT_LAB_MODELS_MIRROR: '',
  LATENT_LAB_OFFLINE: '',
  S3_BUCKET: '',
  S3_ENDPOINT: '',
  S3_PUBLIC_ENDPOINT: '',
  S3_REGION: 'us-east-1',
  S3_FORCE_PATH_STYLE: 'false',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  MIGRATE_ON_START: 'true',
  SIGNUP_POLICY: 'first-user',
  ALLOWED_ORIGINS: '',
  SESSION_DAYS: '30',
  INVITATION_DAYS: '7',
  MAX_ACTIVE_RUNS: '20',
  MAX_STORAGE_BYTES: String(10 * 1024 ** 3),
  MUTATIONS_PER_MINUTE: '120',
  SIGNIN_ATTEMPTS: '10',
  SIGNIN_ADDRESS_ATTEMPTS: '50',
  PUBLIC_URL: '',
  TRUST_PROXY: '',
  WORKER_HEARTBEAT_FILE: '',
  RENDER_JOB_HEARTBEAT_SECONDS: '10',
  RENDER_JOB_POLL_SECONDS: '2',
  RENDER_JOB_RETRY_LIMIT: '20',
  METRICS_PORT: '',
  TRACES_EXPORTER: 'none',
  TRACES_OTLP_URL: 'http://localhost:4318/v1/traces',
  /** The CLI's latent cache lives under it (default ~/.cache). */
  XDG_CACHE_HOME: '',
  /** Set: the CLI prints stack traces of unexpected errors. */
  LATENT_LAB_DEBUG: '',
} as const;

export type EnvName = keyof typeof ENV_DEFAULTS;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(name: EnvName, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string().transform((raw, context) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      context.addIssue({
        code: 'custom',
        message: `${name} must be an integer from ${min} to ${max} (got "${raw}")`,
      });
      return z.NEVER;
    }
    return value;
  });
}

function number(name: EnvName, min: number) {
  return z.string().transform((raw, context) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min) {
      context.addIssue({
        code: 'custom',
        message: `${name} must be a number of at least ${min} (got "${raw}")`,
      });
      return z.NEVER;
    }
    return value;
  });
}

/** Empty (unset) or an http(s) URL. */
function url(name: EnvName) {
  return z
    .string()
    .trim()
    .refine((value) => value === '' || /^https?:\/\/[^\s]+$/.test(value), {
      message: `${name} must be an http:// or https:// URL`,
    });
}

function boolean(name: EnvName) {
  return z.string().transform((raw, context) => {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0' || raw === '') return false;
    context.addIssue({ code: 'custom', message: `${name} must be true or false (got "${raw}")` });
    return z.NEVER;
  });
}

const envSchema = z.object({
  PORT: integer('PORT', 0, 65535),
  HOST: z.string(),
  DATABASE_URL: z
    .string()
    .transform((raw) => raw.trim())
    .refine((url) => url === '' || /^postgres(ql)?:\/\//.test(url), {
      message: 'DATABASE_URL must be a postgres:// or postgresql:// URL',
    }),
  DATA_DIR: z.string(),
  WORKER_CONCURRENCY: integer('WORKER_CONCURRENCY', 1, 64),
  WORKER_IN_PROCESS: boolean('WORKER_IN_PROCESS'),
  RENDER_RELEASE_ABOVE_PIXELS: integer('RENDER_RELEASE_ABOVE_PIXELS', 0),
  MAX_UPLOAD_BYTES: integer('MAX_UPLOAD_BYTES', 1),
  MAX_INPUT_PIXELS: integer('MAX_INPUT_PIXELS', 1),
  MAX_STEPS: integer('MAX_STEPS', 2),
  MAX_SIDE: integer('MAX_SIDE', 8),
  MAX_NOISE_LEVEL: number('MAX_NOISE_LEVEL', 0),
  MAX_PAGE_SIZE: integer('MAX_PAGE_SIZE', 1, 10_000),
  MAX_QUERY_COST: integer('MAX_QUERY_COST', 1),
  WS_MAX_SUBSCRIPTIONS: integer('WS_MAX_SUBSCRIPTIONS', 1),
  WS_MAX_SOCKETS_PER_USER: integer('WS_MAX_SOCKETS_PER_USER', 1),
  INTRA_OP_THREADS: z.string(),
  LOG_LEVEL: z.enum(LOG_LEVELS, {
    error: (issue) =>
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${String(issue.input)}")`,
  }),
  SERVE_DASHBOARD: boolean('SERVE_DASHBOARD'),
  LATENT_LAB_MODELS_DIR: z.string(),
  LATENT_LAB_MODELS_MIRROR: z.string(),
  LATENT_LAB_OFFLINE: boolean('LATENT_LAB_OFFLINE'),
  S3_BUCKET: z.string().trim(),
  S3_ENDPOINT: url('S3_ENDPOINT'),
  S3_PUBLIC_ENDPOINT: url('S3_PUBLIC_ENDPOINT'),
  S3_REGION: z.string().trim().min(1, { message: 'S3_REGION must not be empty' }),
  S3_FORCE_PATH_STYLE: boolean('S3_FORCE_PATH_STYLE'),
  AWS_ACCESS_KEY_ID: z.string(),
  AWS_SECRET_ACCESS_KEY: z.string(),
  MIGRATE_ON_START: boolean('MIGRATE_ON_START'),
  SIGNUP_POLICY: z.enum(['first-user', 'open'], {
    error: (issue) => `SIGNUP_POLICY must be first-user or open (got "${String(issue.input)}")`,
  }),
  ALLOWED_ORIGINS: z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), {
      message: 'ALLOWED_ORIGINS must be comma-separated origins such as https://lab.example.com',
    }),
  SESSION_DAYS: integer('SESSION_DAYS', 1, 366),
  INVITATION_DAYS: integer('INVITATION_DAYS', 1, 90),
  MAX_ACTIVE_RUNS: integer('MAX_ACTIVE_RUNS', 1),
  MAX_STORAGE_BYTES: integer('MAX_STORAGE_BYTES', 1),
  MUTATIONS_PER_MINUTE: integer('MUTATIONS_PER_MINUTE', 1),
  SIGNIN_ATTEMPTS: integer('SIGNIN_ATTEMPTS', 1),
  SIGNIN_ADDRESS_ATTEMPTS: integer('SIGNIN_ADDRESS_ATTEMPTS', 1),
  PUBLIC_URL: z
    .string()
    .trim()
    .refine((raw) => raw === '' || /^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/.test(raw), {
      message: 'PUBLIC_URL must be the URL people open, such as https://lab.example.com',
    })
    .transform((raw) => (raw === '' ? null : raw.replace(/\/+$/, ''))),
  TRUST_PROXY: z
    .string()
    .trim()
    .refine(
      (raw) =>
        /^(|true|false|\d+)$/.test(raw) ||
        raw
          .split(',')
          .map((item) => item.trim())
          .every(
            (item) =>
              /^[0-9a-fA-F.:]+(\/\d+)?$/.test(item) ||
              ['loopback', 'linklocal', 'uniquelocal'].includes(item),
          ),
      {
        message:
          'TRUST_PROXY must be true, a number of proxies, or comma-separated proxy addresses or subnets',
      },
    )
    .transform((raw): boolean | number | string =>
      raw === '' || raw === 'false'
        ? false
        : raw === 'true'
          ? true
          : /^\d+$/.test(raw)
            ? Number(raw)
            : raw,
    ),
  WORKER_HEARTBEAT_FILE: z.string(),
  RENDER_JOB_HEARTBEAT_SECONDS: integer('RENDER_JOB_HEARTBEAT_SECONDS', 10, 3600),
  RENDER_JOB_POLL_SECONDS: integer('RENDER_JOB_POLL_SECONDS', 1, 3600),
  RENDER_JOB_RETRY_LIMIT: integer('RENDER_JOB_RETRY_LIMIT', 0, 1000),
  METRICS_PORT: z.string(),
  TRACES_EXPORTER: z.enum(['none', 'otlp', 'console']),
  TRACES_OTLP_URL: z.string().url(),
  XDG_CACHE_HOME: z.string(),
  LATENT_LAB_DEBUG: boolean('LATENT_LAB_DEBUG'),
});

/** Where model manifests and weights are (the engine's WeightLocations). */
export interface ModelLocations {
  manifestsDir: string;
  modelsDir: string;
  mirrorDir: string | null;
  allowDownload: boolean;
}

/**
 * Where bytes live: a folder under DATA_DIR (the default), or a bucket of an S3-compatible store
 * when S3_BUCKET is set. Serializable, so a render thread opens the same store.
 */
export type StorageSettings =
  | { kind: 'local'; root: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      endpoint?: string;
      publicEndpoint?: string;
      forcePathStyle: boolean;
      /** Unset: the AWS SDK's default chain (environment, profile, instance role). */
      credentials?: { accessKeyId: string; secretAccessKey: string };
    };

export interface Config {
  port: number;
  host: string;
  /** null: embedded PGlite under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  workerConcurrency: number;
  /** Run the job worker inside the API process. */
  workerInProcess: boolean;
  /**
   * A render thread that rendered frames of more pixels than this releases its models (their
   * sessions hold memory sized for the largest frame) and loads them again warm, once idle.
   */
  renderReleaseAbovePixels: number;
  maxUploadBytes: number;
  maxInputPixels: number;
  limits: RunLimits;
  /** Largest page of any list field (first). */
  maxPageSize: number;
  /** Largest estimated cost of one GraphQL operation (list sizes multiply). */
  maxQueryCost: number;
  sockets: SocketLimits;
  /** onnxruntime threads per render; default: the cores shared among the concurrent renders. */
  intraOpThreads: number;
  logLevel: (typeof LOG_LEVELS)[number];
  serveDashboard: boolean;
  models: ModelLocations;
  storage: StorageSettings;
  /** Apply pending migrations when a process opens PostgreSQL (embedded PGlite always does). */
  migrateOnStart: boolean;
  /** A worker rewrites this file after each health check (container health checks read it). */
  workerHeartbeatFile: string | null;
  /**
   * pg-boss heartbeat of a render job: its worker refreshes it every half of this, so a job whose
   * heartbeat is older belongs to a dead worker and is retried by another (pg-boss: at least 10).
   */
  renderJobHeartbeatSeconds: number;
  /**
   * An idle worker looks for queued render jobs this often; a new run wakes it at once (LISTEN), and
   * a worker that ends a job looks for the next at once.
   */
  renderJobPollSeconds: number;
  /**
   * How often one run's render job is retried: each worker that died on it (a missed heartbeat) or
   * handed it back counts one. A run whose job has used them all ends FAILED.
   */
  renderJobRetryLimit: number;
  /**
   * Port of a worker-only process's HTTP listener for /metrics and the probes (/livez, /readyz);
   * null: none. API processes serve them on their own port.
   */
  metricsPort: number | null;
  tracing: TracingSettings;
  auth: AuthSettings;
}

/** What one client may hold open on an API process's GraphQL WebSocket endpoint. */
export interface SocketLimits {
  /** Operations (mostly subscriptions) running at once on one socket; more are refused. */
  maxSubscriptionsPerSocket: number;
  /** Open sockets of one user (sessions and API tokens together); more are closed with 4429. */
  maxSocketsPerUser: number;
}

/** OpenTelemetry traces: none (the default), OTLP over HTTP to otlpUrl, or to the console. */
export interface TracingSettings {
  exporter: 'none' | 'otlp' | 'console';
  otlpUrl: string;
}

export interface AuthSettings {
  /** first-user: the first account signs up and owns the first workspace, then invitations only. */
  signupPolicy: 'first-user' | 'open';
  /** Origins besides the server's own whose pages may open a WebSocket. */
  allowedOrigins: string[];
  sessionDays: number;
  invitationDays: number;
  /** Per workspace: queued plus running runs. */
  maxActiveRuns: number;
  /** Per workspace: uploads and stored frames. */
  maxStorageBytes: number;
  /** Per session or token: uploads and run creations a minute, across every API process. */
  mutationsPerMinute: number;
  /** Per account and address pair: sign-in attempts in 15 minutes (a success gives them back). */
  signinAttempts: number;
  /** Per address, whichever accounts it tries: sign-in attempts in 15 minutes. */
  signinAddressAttempts: number;
  /**
   * The URL people open (https://lab.example.com): invitation links are built from it, and an
   * https one makes the session cookie Secure. null: the server's own listening URL.
   */
  publicUrl: string | null;
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-For/-Proto to believe, so sign-in limits
   * count the client's address and an https request behind a TLS proxy reads as secure. false:
   * none (the default; a client could otherwise name any address).
   */
  trustProxy: boolean | number | string;
}

function parseEnv(env: Record<string, string | undefined>) {
  const raw = Object.fromEntries(
    (Object.keys(ENV_DEFAULTS) as EnvName[]).map((name) => [name, env[name] ?? ENV_DEFAULTS[name]]),
  );
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data;
}

function modelLocations(env: z.output<typeof envSchema>): ModelLocations {
  const mirror = env.LATENT_LAB_MODELS_MIRROR;
  return {
    manifestsDir: resolve(REPO_DIR, 'models'),
    modelsDir: env.LATENT_LAB_MODELS_DIR
      ? resolve(env.LATENT_LAB_MODELS_DIR)
      : resolve(REPO_DIR, 'models'),
    mirrorDir: mirror
      ? resolve(mirror)
      : existsSync(SIBLING_MIRROR_DIR)
        ? SIBLING_MIRROR_DIR
        : null,
    allowDownload: !env.LATENT_LAB_OFFLINE,
  };
}

/** Reads and validates the whole configuration; unset variables take ENV_DEFAULTS. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = parseEnv(env);
  const threads = parsed.INTRA_OP_THREADS;
  let intraOpThreads = Math.max(1, Math.floor(availableParallelism() / parsed.WORKER_CONCURRENCY));
  if (threads !== '') {
    const value = Number(threads);
    if (!Number.isInteger(value) || value < 1 || value > 256)
      throw new ConfigError(`INTRA_OP_THREADS must be an integer from 1 to 256 (got "${threads}")`);
    intraOpThreads = value;
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL === '' ? null : parsed.DATABASE_URL,
    dataDir: resolve(parsed.DATA_DIR),
    workerConcurrency: parsed.WORKER_CONCURRENCY,
    workerInProcess: parsed.WORKER_IN_PROCESS,
    renderReleaseAbovePixels: parsed.RENDER_RELEASE_ABOVE_PIXELS,
    maxUploadBytes: parsed.MAX_UPLOAD_BYTES,
    maxInputPixels: parsed.MAX_INPUT_PIXELS,
    limits: {
      maxSteps: parsed.MAX_STEPS,
      maxSide: parsed.MAX_SIDE,
      maxNoiseLevel: parsed.MAX_NOISE_LEVEL,
    },
    maxPageSize: parsed.MAX_PAGE_SIZE,
    maxQueryCost: parsed.MAX_QUERY_COST,
    sockets: {
      maxSubscriptionsPerSocket: parsed.WS_MAX_SUBSCRIPTIONS,
      maxSocketsPerUser: parsed.WS_MAX_SOCKETS_PER_USER,
    },
    intraOpThreads,
    logLevel: parsed.LOG_LEVEL,
    serveDashboard: parsed.SERVE_DASHBOARD,
    models: modelLocations(parsed),
    storage: storageSettings(parsed),
    migrateOnStart: parsed.MIGRATE_ON_START,
    workerHeartbeatFile: parsed.WORKER_HEARTBEAT_FILE.trim() || null,
    renderJobHeartbeatSeconds: parsed.RENDER_JOB_HEARTBEAT_SECONDS,
    renderJobPollSeconds: parsed.RENDER_JOB_POLL_SECONDS,
    renderJobRetryLimit: parsed.RENDER_JOB_RETRY_LIMIT,
    metricsPort: metricsPort(parsed.METRICS_PORT),
    tracing: { exporter: parsed.TRACES_EXPORTER, otlpUrl: parsed.TRACES_OTLP_URL },
    auth: {
      signupPolicy: parsed.SIGNUP_POLICY,
      allowedOrigins: parsed.ALLOWED_ORIGINS,
      sessionDays: parsed.SESSION_DAYS,
      invitationDays: parsed.INVITATION_DAYS,
      maxActiveRuns: parsed.MAX_ACTIVE_RUNS,
      maxStorageBytes: parsed.MAX_STORAGE_BYTES,
      mutationsPerMinute: parsed.MUTATIONS_PER_MINUTE,
      signinAttempts: parsed.SIGNIN_ATTEMPTS,
      signinAddressAttempts: parsed.SIGNIN_ADDRESS_ATTEMPTS,
      publicUrl: parsed.PUBLIC_URL,
      trustProxy: parsed.TRUST_PROXY,
    },
  };
}

function metricsPort(raw: string): number | null {
  if (raw.trim() === '') return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`METRICS_PORT must be a port from 0 to 65535 or empty (got "${raw}")`);
  return port;
}

function storageSettings(env: z.output<typeof envSchema>): StorageSettings {
  if (env.S3_BUCKET === '') return { kind: 'local', root: resolve(env.DATA_DIR, 'files') };
  if ((env.AWS_ACCESS_KEY_ID === '') !== (env.AWS_SECRET_ACCESS_KEY === '')) {
    throw new ConfigError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
  }
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(env.S3_PUBLIC_ENDPOINT ? { publicEndpoint: env.S3_PUBLIC_ENDPOINT } : {}),
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    ...(env.AWS_ACCESS_KEY_ID
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  };
}

/** The model locations alone (the CLI needs nothing else from the environment). */
export function loadModelLocations(env: Record<string, string | undefined>): ModelLocations {
  return modelLocations(parseEnv(env));
}

/** What the CLI reads from the environment. */
export interface CliConfig {
  models: ModelLocations;
  /** Default folder of cached keyframe latents: $XDG_CACHE_HOME/latent-lab/latents. */
  latentCacheDir: string;
  /** Print stack traces of unexpected errors (LATENT_LAB_DEBUG). */
  debug: boolean;
}

export function loadCliConfig(env: Record<string, string | undefined>): CliConfig {
  const parsed = parseEnv(env);
  return {
    models: modelLocations(parsed),
    latentCacheDir: join(
      parsed.XDG_CACHE_HOME || join(homedir(), '.cache'),
      'latent-lab',
      'latents',
    ),
    debug: parsed.LATENT_LAB_DEBUG,
  };
}

/** Where the database is: what `npm run db:migrate` needs. */
export function loadDatabaseConfig(
  env: Record<string, string | undefined>,
): Pick<Config, 'databaseUrl' | 'dataDir'> {
  const parsed = parseEnv(env);
  return {
    databaseUrl: parsed.DATABASE_URL === '' ? null : parsed.DATABASE_URL,
    dataDir: resolve(parsed.DATA_DIR),
  };
}

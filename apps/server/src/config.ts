import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** Every environment variable the server reads, with its default ('' means unset). */
export const SERVER_ENV = {
  PORT: '4000',
  HOST: '0.0.0.0',
  DATABASE_URL: '',
  DATA_DIR: './data',
  WORKER_CONCURRENCY: '1',
  WORKER_IN_PROCESS: 'true',
  MAX_UPLOAD_BYTES: String(25 * 1024 * 1024),
  MAX_INPUT_PIXELS: String(40e6),
  MAX_STEPS: '1000',
  MAX_SIDE: '2048',
  INTRA_OP_THREADS: '',
  LOG_LEVEL: 'info',
  SERVE_DASHBOARD: 'true',
} as const;

/** Read by the engine itself (weights location, mirror, offline mode); listed for deployment files. */
export const ENGINE_ENV = [
  'LATENT_LAB_MODELS_DIR',
  'LATENT_LAB_MODELS_MIRROR',
  'LATENT_LAB_OFFLINE',
] as const;

export type ServerEnvName = keyof typeof SERVER_ENV;

export interface ServerConfig {
  port: number;
  host: string;
  /** null: embedded PGlite under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  workerConcurrency: number;
  /** Run the job worker inside the API process. */
  workerInProcess: boolean;
  maxUploadBytes: number;
  maxInputPixels: number;
  maxSteps: number;
  maxSide: number;
  /** onnxruntime threads per render; default: the cores shared among the concurrent renders. */
  intraOpThreads: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  serveDashboard: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS: readonly ServerConfig['logLevel'][] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

function integer(
  name: ServerEnvName,
  raw: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function boolean(name: ServerEnvName, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

/** Reads and validates the configuration; unset variables take the defaults of SERVER_ENV. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const read = (name: ServerEnvName): string => env[name] ?? SERVER_ENV[name];
  const logLevel = read('LOG_LEVEL') as ServerConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const databaseUrl = read('DATABASE_URL').trim();
  if (databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const threads = read('INTRA_OP_THREADS');
  const workerConcurrency = integer('WORKER_CONCURRENCY', read('WORKER_CONCURRENCY'), 1, 64);
  return {
    port: integer('PORT', read('PORT'), 0, 65535),
    host: read('HOST'),
    databaseUrl: databaseUrl === '' ? null : databaseUrl,
    dataDir: resolve(read('DATA_DIR')),
    workerConcurrency,
    workerInProcess: boolean('WORKER_IN_PROCESS', read('WORKER_IN_PROCESS')),
    maxUploadBytes: integer('MAX_UPLOAD_BYTES', read('MAX_UPLOAD_BYTES'), 1),
    maxInputPixels: integer('MAX_INPUT_PIXELS', read('MAX_INPUT_PIXELS'), 1),
    maxSteps: integer('MAX_STEPS', read('MAX_STEPS'), 2),
    maxSide: integer('MAX_SIDE', read('MAX_SIDE'), 8),
    intraOpThreads:
      threads === ''
        ? Math.max(1, Math.floor(availableParallelism() / workerConcurrency))
        : integer('INTRA_OP_THREADS', threads, 1, 256),
    logLevel,
    serveDashboard: boolean('SERVE_DASHBOARD', read('SERVE_DASHBOARD')),
  };
}

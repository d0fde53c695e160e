// Liveness and readiness, for Kubernetes probes and load balancers. Liveness says only that the
// process answers (restart it when it does not); readiness says it can do its work now: the
// database answers, every migration is applied and the bucket (or folder) of files answers. A
// process that is not ready is taken out of rotation, not restarted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '@latent-lab/db';
import type { Storage } from '@latent-lab/storage';

/** A check slower than this counts as failed: a probe must answer within its own timeout. */
const CHECK_TIMEOUT_MS = 3000;
/** A key no one writes: the store answers "missing", which proves it answers. */
const PROBE_KEY = 'health/readiness-probe';

export interface Readiness {
  ready: boolean;
  /** 'ok', or why the check failed. */
  checks: { database: string; migrations: string; storage: string };
}

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function check(work: () => Promise<string | null>): Promise<string> {
  try {
    return (await withinTimeout(work())) ?? 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export class ReadinessChecks {
  /** Migrations never become pending again within a process: checked until first found applied. */
  private migrated = false;

  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, migrations, storage] = await Promise.all([
      check(async () => {
        await this.db.ping();
        return null;
      }),
      check(async () => {
        if (this.migrated) return null;
        const pending = await this.db.pendingMigrations();
        if (pending.length > 0) return `${pending.length} pending: ${pending.join(', ')}`;
        this.migrated = true;
        return null;
      }),
      check(async () => {
        await this.storage.exists(PROBE_KEY);
        return null;
      }),
    ]);
    const checks = { database, migrations, storage };
    return { ready: Object.values(checks).every((result) => result === 'ok'), checks };
  }
}

/** The probe paths: /livez (the process answers), /readyz (ReadinessChecks). */
export const LIVENESS_PATH = '/livez';
export const READINESS_PATH = '/readyz';

/**
 * Answers the probe paths on any node HTTP server (express and the worker's own listener); returns
 * false for any other path.
 */
export async function answerProbe(
  request: IncomingMessage,
  response: ServerResponse,
  readiness: ReadinessChecks,
): Promise<boolean> {
  const path = request.url?.split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (path === LIVENESS_PATH) {
    sendJson(response, 200, { status: 'ok' });
    return true;
  }
  if (path === READINESS_PATH) {
    const result = await readiness.readiness();
    sendJson(response, result.ready ? 200 : 503, {
      status: result.ready ? 'ok' : 'unavailable',
      checks: result.checks,
    });
    return true;
  }
  return false;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

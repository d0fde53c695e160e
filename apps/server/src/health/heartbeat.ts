// A liveness file for processes that serve no HTTP (render workers): every interval the process
// runs its own check (for a worker: a query through its database connection) and rewrites the
// file with the result. A container health check reads it with check-heartbeat.ts, so the check
// reports the worker itself: a hung event loop, a lost database or a stopped worker all turn it
// unhealthy, which a probe of PostgreSQL's port never would.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

export interface HeartbeatRecord {
  pid: number;
  /** When the check ran (ISO 8601). */
  at: string;
  ok: boolean;
  error?: string;
}

export interface HeartbeatOptions {
  file: string;
  /** Default 10 s. */
  intervalMs?: number;
  /** Resolves when the process is healthy; a rejection is written as unhealthy. */
  check: () => Promise<unknown>;
}

export interface Heartbeat {
  /** Stops beating and removes the file: a stopping process is no longer healthy. */
  stop(): Promise<void>;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** Writes the first beat before it resolves, then one per interval. */
export async function startHeartbeat({
  file,
  intervalMs = 10_000,
  check,
}: HeartbeatOptions): Promise<Heartbeat> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const beat = async () => {
    let record: HeartbeatRecord;
    try {
      await check();
      record = { pid: process.pid, at: new Date().toISOString(), ok: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      record = { pid: process.pid, at: new Date().toISOString(), ok: false, error: message };
    }
    if (!stopped) await writeAtomically(file, `${JSON.stringify(record)}\n`);
  };
  await beat();
  const timer = setInterval(() => {
    // One beat at a time; a failed write is retried at the next interval.
    running = running.then(beat).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await rm(file, { force: true });
    },
  };
}

/** Why the heartbeat file says unhealthy, or null when its last beat is ok and recent. */
export async function heartbeatProblem(
  file: string,
  maxAgeMs: number,
  now = Date.now(),
): Promise<string | null> {
  let record: HeartbeatRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as HeartbeatRecord;
  } catch (error) {
    return `no heartbeat at ${file} (${(error as Error).message})`;
  }
  const age = now - Date.parse(record.at);
  if (!Number.isFinite(age)) return `heartbeat at ${file} has no valid time`;
  if (age > maxAgeMs) return `last heartbeat ${Math.round(age / 1000)} s ago (pid ${record.pid})`;
  if (!record.ok) return `unhealthy: ${record.error ?? 'check failed'} (pid ${record.pid})`;
  return null;
}

// Processes of a multi-process deployment on this machine, for the process tests, the scale test
// and bench:scale: the migration one-shot, API processes (apps/server/src/main.ts,
// WORKER_IN_PROCESS=false) and worker processes (apps/server/src/worker.ts), run with
// `node --import tsx` as child processes; and the waits around any child process (for its
// "server listening" line, for a file it writes, for its exit).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO_DIR } from './api.ts';

export interface ApiProcess {
  port: number;
  url: string;
  child: ChildProcess;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** `node <args>`, run in the repository's folder with stdin closed. */
export function spawnNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdout: 'pipe' | 'inherit' | 'ignore',
  stderr: 'pipe' | 'inherit' = 'inherit',
): ChildProcess {
  const stdio: StdioOptions = ['ignore', stdout, stderr];
  return spawn(process.execPath, args, { cwd: REPO_DIR, env, stdio });
}

/** `node --import tsx <script>` (a path in the repository). */
export function spawnTsx(
  script: string,
  env: NodeJS.ProcessEnv,
  stdout: 'pipe' | 'inherit' | 'ignore',
  stderr: 'pipe' | 'inherit' = 'inherit',
): ChildProcess {
  return spawnNode(['--import', 'tsx', join(REPO_DIR, script)], env, stdout, stderr);
}

/**
 * The URL a server process (stdout piped) logs in its "server listening" line; rejects if it
 * exits first. Every stdout line goes to `onLine`, also after that one: the pipe is read to the
 * end, so the process never blocks on a full pipe.
 */
export function listeningUrl(
  child: ChildProcess,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      onLine(line);
      const entry = logEntry(line);
      if (entry?.msg === 'server listening' && entry.url) resolve(entry.url);
    });
  });
}

/** A JSON log line (pino's), or undefined for any other line. */
function logEntry(line: string): { msg?: string; url?: string; level?: number } | undefined {
  try {
    return JSON.parse(line) as { msg?: string; url?: string; level?: number };
  } catch {
    return undefined;
  }
}

/** Waits for the file the process writes (a worker's heartbeat), failing once the process has exited. */
export async function waitForFile(file: string, child: ChildProcess): Promise<void> {
  for (;;) {
    try {
      await access(file);
      return;
    } catch {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the process exited (${child.exitCode ?? child.signalCode}) before writing ${file}`,
        );
      }
      await delay(100);
    }
  }
}

/** Applies the migrations once (the compose file's migrate one-shot); throws unless it exits 0. */
export async function migrateOnce(env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawnTsx('packages/db/scripts/migrate.ts', env, 'ignore');
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the migration one-shot exited with ${code}`);
}

/** Starts an API process on the port and resolves once it logs that it listens. */
export async function startApiProcess(env: NodeJS.ProcessEnv, port: number): Promise<ApiProcess> {
  const child = spawnTsx(
    'apps/server/src/main.ts',
    {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_IN_PROCESS: 'false',
      SERVE_DASHBOARD: 'false',
      LOG_LEVEL: 'info',
    },
    'pipe',
  );
  // Warnings, errors and lines that are not the log's go to stderr.
  const url = await listeningUrl(child, (line) => {
    const entry = logEntry(line);
    if (!entry || (entry.level ?? 0) >= 40) console.error(line);
  });
  return { port, url, child };
}

export function startWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return spawnTsx(
    'apps/server/src/worker.ts',
    { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1', ...env },
    'inherit',
  );
}

export interface Exit {
  code: number | null;
  /** The signal that ended the process, null when it exited by itself. */
  signal: NodeJS.Signals | null;
}

/**
 * Sends the signal and waits for the exit (at once when it has exited). A process still running
 * 30 s later is killed: a hung shutdown then fails its test (signal SIGKILL) instead of hanging
 * the suite.
 */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill(signal);
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const [code, killedBy] = await exited;
    return { code, signal: killedBy };
  } finally {
    clearTimeout(timeout);
  }
}

/** Worker processes started with one environment; `killAll` ends those still running (for after()). */
export class WorkerProcesses {
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(): ChildProcess {
    const child = startWorkerProcess(this.env);
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return child;
  }

  async killAll(): Promise<void> {
    for (const child of [...this.running]) await stopProcess(child, 'SIGKILL');
  }
}

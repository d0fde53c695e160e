// Processes of a multi-process deployment on this machine, for the scale test and bench:scale: the
// migration one-shot, API processes (apps/server/src/main.ts, WORKER_IN_PROCESS=false) and worker
// processes (apps/server/src/worker.ts), run with `node --import tsx` as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

function tsx(script: string, env: NodeJS.ProcessEnv, stdout: 'pipe' | 'inherit' | 'ignore') {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO_DIR, script)], {
    cwd: REPO_DIR,
    env,
    stdio: ['ignore', stdout, 'inherit'],
  });
}

/** Applies the migrations once (the compose file's migrate one-shot); throws unless it exits 0. */
export async function migrateOnce(env: NodeJS.ProcessEnv): Promise<void> {
  const child = tsx('packages/db/scripts/migrate.ts', env, 'ignore');
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the migration one-shot exited with ${code}`);
}

/** Starts an API process on the port and resolves once it logs that it listens. */
export async function startApiProcess(env: NodeJS.ProcessEnv, port: number): Promise<ApiProcess> {
  const child = tsx(
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
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`API process exited (${code}) before listening`)),
    );
    // Keeps reading (a full pipe would block the process); warnings and errors go to stderr.
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string; level?: number };
        if (entry.msg === 'server listening' && entry.url) resolve(entry.url);
        else if ((entry.level ?? 0) >= 40) console.error(line);
      } catch {
        console.error(line);
      }
    });
  });
  return { port, url, child };
}

export function startWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return tsx(
    'apps/server/src/worker.ts',
    { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1', ...env },
    'inherit',
  );
}

/** Sends the signal and waits for the exit (at once when it has exited). */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

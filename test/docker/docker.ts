// The Docker engine for the image and Compose tests: whether one answers (the tests skip with the
// reason where none can be started, and fail instead on CI), the local base images
// (test/docker/base-images.sh) and the project's image built from them.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_DIR } from '../helpers/api.ts';

const BASE_IMAGES_SCRIPT = fileURLToPath(new URL('./base-images.sh', import.meta.url));
/** The project's image as the tests build it (docker-compose.yml's `latent-lab:latest` in production). */
export const PROJECT_IMAGE = 'latent-lab:test';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, output captured (and streamed to stderr when `echo` is set). */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_DIR,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like run, but throws with the command's output unless it exits 0. */
export async function runOk(
  command: string,
  args: string[],
  options: Parameters<typeof run>[2] = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
  }
  return result.stdout;
}

export const docker = (args: string[], echo = false) => runOk('docker', args, { echo });

/**
 * undefined when a Docker engine answers; otherwise why not, as a skip reason. On CI (CI=true)
 * a missing engine is an error: scripts/setup-test.sh starts one there.
 */
export async function dockerUnavailable(): Promise<string | undefined> {
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}']).catch(
    (error: Error) => ({ code: 1, stdout: '', stderr: error.message }),
  );
  if (info.code === 0) return undefined;
  const reason = `no Docker engine (run scripts/setup-test.sh as root to start one): ${info.stderr.trim()}`;
  if (process.env.CI === 'true') throw new Error(`CI needs a Docker engine: ${reason}`);
  return reason;
}

/** Builds the local base images that are missing; returns their names in the order asked. */
export async function baseImages(...which: ('node' | 'postgres')[]): Promise<string[]> {
  const out = await runOk('bash', [BASE_IMAGES_SCRIPT, ...which], { echo: true });
  return out.trim().split('\n');
}

/** docker build of the project's Dockerfile on the local Node base image (legacy builder). */
export async function buildProjectImage(nodeImage: string): Promise<string> {
  await runOk(
    'docker',
    ['build', '--build-arg', `NODE_IMAGE=${nodeImage}`, '-t', PROJECT_IMAGE, '.'],
    { echo: true, env: { ...process.env, DOCKER_BUILDKIT: '0' } },
  );
  return PROJECT_IMAGE;
}

/** Polls until the address answers 2xx (a container's process starting up), or fails after a limit. */
export async function waitForHttp(url: string, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${limitMs} ms (${last})`);
}

// Timing a command as a whole process, as its users run it (the CLI, the PyTorch recipe).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Measured {
  wallMs: number;
  /** Peak resident memory of the process, from GNU time; null where it is not installed. */
  peakMb: number | null;
  /** Minor page faults of the process (fresh memory first touched), from GNU time. */
  faults: number | null;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command to completion, timing it as a whole process (wall clock, peak RSS and page
 * faults), with this process's environment less GLIBC_TUNABLES plus `env`.
 */
export async function measure(
  command: string,
  args: string[],
  scratch: string,
  env: Record<string, string> = {},
): Promise<Measured> {
  const timeFile = join(scratch, `time-${Date.now()}.txt`);
  const withTime = existsSync(GNU_TIME);
  const [file, argv] = withTime
    ? [GNU_TIME, ['-f', '%M %R', '-o', timeFile, command, ...args]]
    : [command, args];
  const { GLIBC_TUNABLES: _, ...inherited } = process.env;
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    spawn(file, argv, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...inherited, ...env },
    }).on('close', resolve);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${code}`);
  if (!withTime) return { wallMs, peakMb: null, faults: null };
  const [peakKb, faults] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()!.split(' ');
  return { wallMs, peakMb: Number(peakKb) / 1024, faults: Number(faults) };
}

// Whether a process asks glibc's malloc for transparent huge pages, observed from inside it: a
// probe run in that process fills a 64 MB block (above malloc's mmap threshold, so mapped on its
// own) and reads how much of its memory the kernel backs with huge pages.
import { readFile } from 'node:fs/promises';

/** JavaScript (CommonJS, for `node -e` or `--require`) that prints the probe's JSON line and exits. */
export const HUGE_PAGES_PROBE = `
const block = new Float32Array(16 << 20).fill(1);
const rollup = require('node:fs').readFileSync('/proc/self/smaps_rollup', 'utf8');
const anonHugeKb = Number(/AnonHugePages:\\s+(\\d+)/.exec(rollup)?.[1] ?? 0);
console.log(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES ?? null, anonHugeKb, filled: block[0] }));
process.exit(0);
`;

export interface HugePagesProbe {
  tunables: string | null;
  anonHugeKb: number;
}

/** The probe's line in a process's output. */
export function parseProbe(output: string): HugePagesProbe {
  const line = output.split('\n').find((l) => l.startsWith('{"tunables"'));
  if (!line) throw new Error(`no huge-pages probe line in:\n${output}`);
  return JSON.parse(line) as HugePagesProbe;
}

/**
 * The kernel's transparent huge page mode: `madvise` grants them to a process that asks (and only
 * then), `always` to every process, `never` (or no THP at all) to none.
 */
export async function transparentHugePageMode(): Promise<'always' | 'madvise' | 'never'> {
  const mode = await readFile('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').catch(
    () => '',
  );
  return (/\[(always|madvise)\]/.exec(mode)?.[1] as 'always' | 'madvise' | undefined) ?? 'never';
}

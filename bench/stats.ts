// What the benchmarks share: their numeric command-line options and the statistics they print.
import { parseArgs } from 'node:util';

/** The command line's `--name value` options, all numbers, each with its default. */
export function numberOptions<Name extends string>(
  defaults: Record<Name, number>,
): Record<Name, number> {
  const names = Object.keys(defaults) as Name[];
  const { values } = parseArgs({
    options: Object.fromEntries(
      names.map((name) => [name, { type: 'string', default: String(defaults[name]) }] as const),
    ),
  });
  return Object.fromEntries(names.map((name) => [name, Number(values[name])])) as Record<
    Name,
    number
  >;
}

/** The nearest-rank percentile (p in 0..100) of the samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

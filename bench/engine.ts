// Engine benchmark: model speed per precision (median ms, GOP/s from the graphs' own convolutions,
// int8 speedup) and the 10-frame 512x512 CLI run against the classic PyTorch recipe
// (../shared/bench/seed_baseline.py), timed in turn in this one invocation. Prints figures;
// asserts nothing.
// Usage: npm run bench [-- --runs 5 --rounds 3]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelLocations } from '@latent-lab/config';
import {
  choosePrecision,
  cpuInt8Support,
  getManifest,
  imageToTensor,
  loadVae,
  type Precision,
  type Tensor4,
} from '@latent-lab/engine';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    model: { type: 'string', default: 'taef2' },
  },
});
const runs = Number(values.runs);
const rounds = Number(values.rounds);
const model = values.model!;
const repo = new URL('..', import.meta.url).pathname;
const locations = loadModelLocations(process.env);
const shared = new URL('../../shared/', import.meta.url).pathname;
const images = join(shared, 'images');
const recipe = join(shared, 'bench/seed_baseline.py');

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timeMs(work: () => Promise<unknown>): Promise<number[]> {
  await work(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function modelSpeed(): Promise<void> {
  const cpu = cpuInt8Support();
  const auto = choosePrecision('auto', await getManifest(model, locations.manifestsDir), cpu);
  console.log(`CPU int8 flags: ${cpu.flags.join(', ') || 'none'}`);
  console.log(`precision auto -> ${auto.precision} (${auto.reason})\n`);
  const photo = await readFile(join(images, 'astronaut.png'));
  console.log(`## ${model}: encode/decode, median of ${runs} runs after one warm-up`);
  console.log('GOP/s = 2 x the multiply-accumulates counted from the graph / time.');
  console.log(
    '| precision | size | threads | encode ms | decode ms | encode GOP/s | decode GOP/s | encode speedup | decode speedup |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const fp32 = new Map<string, { encodeMs: number; decodeMs: number }>();
  for (const precision of ['fp32', 'int8'] as Precision[]) {
    for (const threads of [1, 2]) {
      const vae = await loadVae(model, { locations, intraOpThreads: threads, precision });
      for (const side of [256, 512]) {
        const image = await imageToTensor(photo, { width: side, height: side }, 'cover');
        let latent: Tensor4 = await vae.encode(image);
        const encodeMs = median(await timeMs(async () => (latent = await vae.encode(image))));
        const decodeMs = median(await timeMs(() => vae.decode(latent)));
        const macs = vae.macs(side, side);
        const gops = (m: number, ms: number) => ((2 * m) / (ms / 1000) / 1e9).toFixed(1);
        const key = `${side}/${threads}`;
        if (precision === 'fp32') fp32.set(key, { encodeMs, decodeMs });
        const base = fp32.get(key);
        const speedup = (baseMs: number | undefined, ms: number) =>
          baseMs === undefined ? '-' : `${(baseMs / ms).toFixed(2)}x`;
        console.log(
          `| ${precision} | ${side}x${side} | ${threads} | ${encodeMs.toFixed(0)} | ${decodeMs.toFixed(0)} | ` +
            `${gops(macs.encoder, encodeMs)} | ${gops(macs.decoder, decodeMs)} | ` +
            `${speedup(base?.encodeMs, encodeMs)} | ${speedup(base?.decodeMs, decodeMs)} |`,
        );
      }
      await vae.close();
    }
  }
  const reference = await loadVae(model, { locations, precision: 'fp32' });
  const macs = reference.macs(512, 512);
  console.log(
    `(counted from the graphs' Conv nodes at 512x512, four-phase upsampling: encoder ` +
      `${(macs.encoder / 1e9).toFixed(1)} GMAC, decoder ${(macs.decoder / 1e9).toFixed(1)} GMAC)`,
  );
  await reference.close();
}

interface Measured {
  wallMs: number;
  /** Peak resident memory of the process, from GNU time; null where it is not installed. */
  peakMb: number | null;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to completion, timing it as a whole process (wall clock and peak RSS). */
async function measure(command: string, args: string[], scratch: string): Promise<Measured> {
  const timeFile = join(scratch, `time-${Date.now()}.txt`);
  const withTime = existsSync(GNU_TIME);
  const [file, argv] = withTime
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]]
    : [command, args];
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    spawn(file, argv, { stdio: ['ignore', 'ignore', 'inherit'] }).on('close', resolve);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${code}`);
  const peakKb = withTime ? Number((await readFile(timeFile, 'utf8')).trim().split('\n').pop()) : 0;
  return { wallMs, peakMb: withTime ? peakKb / 1024 : null };
}

interface CliReport {
  precision: { used: string; reason: string };
  timings: {
    encodeMs: number;
    decodeMs: number;
    loadMs: number;
    renderMs: number;
    outputsMs: number;
  };
}

const A = join(images, 'astronaut.png');
const B = join(images, 'chelsea.png');
const NOISE = '0.5';

function cliArgs(out: string, extra: string[]): string[] {
  return [
    join(repo, 'apps/cli/bin/latent-lab.js'),
    'interpolate',
    A,
    B,
    '--steps',
    '10',
    '--size',
    '512x512',
    '--fit',
    'fill',
    '--noise',
    NOISE,
    '--seed',
    '1',
    '--threads',
    '2',
    '--model',
    model,
    '--no-cache',
    '--out',
    out,
    ...extra,
  ];
}

/** The first Python that imports torch (Debian's python3-torch lives in /usr/bin/python3). */
function pythonWithTorch(): string | undefined {
  return ['python3', '/usr/bin/python3'].find(
    (python) =>
      spawnSync(python, ['-c', 'import torch, PIL, numpy'], { stdio: 'ignore' }).status === 0,
  );
}

async function againstRecipe(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'latent-lab-bench-'));
  try {
    // Warm the int8 calibration cache and the file cache so no timed run pays for them.
    await measure(process.execPath, cliArgs(join(scratch, 'warm'), []), scratch);
    const python = pythonWithTorch();
    const torch = python !== undefined;
    const variants: { name: string; run: (i: number) => Promise<Measured> }[] = [];
    if (python) {
      variants.push({
        name: 'classic recipe (PyTorch, seed_baseline.py)',
        run: (i) =>
          measure(
            python,
            [recipe, A, B, '10', '512', '2', join(scratch, `recipe-${i}`), NOISE],
            scratch,
          ),
      });
    }
    const reports = new Map<string, CliReport[]>();
    for (const [name, extra] of [
      ['latent-lab CLI, defaults (precision auto)', []],
      ['latent-lab CLI, --precision fp32', ['--precision', 'fp32']],
      ['latent-lab CLI, --animations', ['--animations']],
    ] as const) {
      reports.set(name, []);
      variants.push({
        name,
        run: async (i) => {
          const out = join(scratch, `${name.length}-${i}`);
          const measured = await measure(process.execPath, cliArgs(out, [...extra]), scratch);
          reports
            .get(name)!
            .push(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as CliReport);
          return measured;
        },
      });
    }
    const samples = new Map<string, Measured[]>(variants.map((v) => [v.name, []]));
    for (let round = 0; round < rounds; round++)
      for (const variant of variants) samples.get(variant.name)!.push(await variant.run(round));

    console.log(
      `\n## 10 frames at 512x512, astronaut -> chelsea, noise ${NOISE}, 2 threads, no latent cache`,
    );
    console.log(
      `Whole processes, run in turn, median of ${rounds} rounds; peak = peak resident memory.`,
    );
    if (!torch)
      console.log(
        'python3-torch is not installed (apt-get install python3-torch python3-pil python3-numpy): no recipe figures.',
      );
    const recipeWall = torch
      ? median(samples.get(variants[0]!.name)!.map((m) => m.wallMs))
      : undefined;
    console.log(
      '| run | wall s | vs recipe | peak MB | load s | encode s | decode s | outputs s |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const s = (ms: number) => (ms / 1000).toFixed(2);
    for (const variant of variants) {
      const measured = samples.get(variant.name)!;
      const wall = median(measured.map((m) => m.wallMs));
      const peaks = measured.map((m) => m.peakMb).filter((p): p is number => p !== null);
      const peak = peaks.length > 0 ? Math.max(...peaks).toFixed(0) : 'n/a';
      const ratio = recipeWall ? `${(wall / recipeWall).toFixed(3)}x` : 'n/a';
      const report = reports.get(variant.name);
      const t = (pick: (r: CliReport) => number) =>
        report ? s(median(report.map((r) => pick(r)))) : '-';
      console.log(
        `| ${variant.name} | ${s(wall)} | ${ratio} | ${peak} | ${t((r) => r.timings.loadMs)} | ` +
          `${t((r) => r.timings.encodeMs)} | ${t((r) => r.timings.decodeMs)} | ${t((r) => r.timings.outputsMs)} |`,
      );
    }
    const auto = reports.get('latent-lab CLI, defaults (precision auto)')?.[0];
    if (auto) console.log(`(defaults used ${auto.precision.used}: ${auto.precision.reason})`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await modelSpeed();
await againstRecipe();

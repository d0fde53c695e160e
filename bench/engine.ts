// Engine benchmark: decode and encode speed per precision, tiled and untiled, at 256 to 2048 (min / median ms,
// GOP/s from the graphs' own convolutions, per-pixel cost against 256), int8 against fp32 on the
// photos the shipped calibration never saw and on photos outside the shared set
// (scripts/outside-photos.sh), tiled against untiled, and the 10-frame 512x512 CLI run
// against the classic PyTorch recipe (../shared/bench/seed_baseline.py), timed in turn in this one
// invocation. Prints figures; asserts nothing.
// Usage: npm run bench [-- --runs 3 --rounds 3 --sizes 256,512,1024,2048 --threads 1 --halves decoder,encoder
//   --tiles 128,256 --precisions fp32,int8 --no-quality --no-recipe | --recipe-only]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelLocations } from '@latent-lab/config';
import {
  choosePrecision,
  cpuInt8Support,
  DEFAULT_DECODER_TILING,
  DEFAULT_ENCODER_TILING,
  shippedCalibrationPath,
  getManifest,
  imageToTensor,
  loadVae,
  type Precision,
  type Tensor4,
} from '@latent-lab/engine';
import { measure, type Measured } from './process.ts';
import { median } from './stats.ts';
import { syntheticLatent } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    model: { type: 'string', default: 'taef2' },
    sizes: { type: 'string', default: '256,512,1024,2048' },
    // Untiled decodes slow down with size (activations out of cache); above this side they are skipped.
    'untiled-max': { type: 'string', default: '1024' },
    threads: { type: 'string', default: '1' },
    halves: { type: 'string', default: 'decoder,encoder' },
    // Tile sides to compare in the tiled rows (default: each half's default tile).
    tiles: { type: 'string' },
    precisions: { type: 'string', default: 'fp32,int8' },
    'no-quality': { type: 'boolean', default: false },
    'no-recipe': { type: 'boolean', default: false },
    'recipe-only': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const rounds = Number(values.rounds);
const model = values.model!;
const sizes = values.sizes!.split(',').map(Number);
const untiledMax = Number(values['untiled-max']);
const threads = Number(values.threads);
const halves = values.halves!.split(',') as ('encoder' | 'decoder')[];
const tiles = values.tiles?.split(',').map(Number);
const precisions = values.precisions!.split(',') as Precision[];
const repo = new URL('..', import.meta.url).pathname;
const locations = loadModelLocations(process.env);
const shared = new URL('../../shared/', import.meta.url).pathname;
const images = join(shared, 'images');
const outsidePhotos = join(repo, '.tools/outside-photos');
const recipe = join(shared, 'bench/seed_baseline.py');

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

/** PSNR of two decoded frames as clamped 8-bit RGB. */
function psnr8(a: Tensor4, b: Tensor4): number {
  let squared = 0;
  const to8 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let i = 0; i < a.data.length; i++) squared += (to8(a.data[i]!) - to8(b.data[i]!)) ** 2;
  return squared === 0 ? Infinity : 10 * Math.log10((255 * 255) / (squared / a.data.length));
}

/** A seeded RGB image in [0, 1] with some texture, side x side. */
function syntheticImage(side: number): Tensor4 {
  return {
    data: new Float32Array(3 * side * side).map((_, i) => 0.5 + 0.45 * Math.sin(i * 0.731)),
    shape: [1, 3, side, side],
  };
}

/**
 * Per size, one run at that size against (side / 256)^2 back-to-back runs at 256 (the same pixels),
 * the two in turn for `rounds` rounds; the least of each. The per-pixel column sets a 2 s run against
 * the best of a few 35 ms ones, which on these VMs flatters 256 by 5-9% (int8: 64 runs at 256 took
 * 2405 ms, 64 x their best 2208).
 */
async function sustainedRatios(
  sides: number[],
  runAt: (index: number) => Promise<unknown>,
  small: number,
): Promise<(number | undefined)[]> {
  const ratios: (number | undefined)[] = sides.map(() => undefined);
  for (const [i, side] of sides.entries()) {
    if (side <= 256) continue;
    const count = (side / 256) ** 2;
    let [one, many] = [Infinity, Infinity];
    for (let round = 0; round < rounds; round++) {
      let started = performance.now();
      await runAt(i);
      one = Math.min(one, performance.now() - started);
      started = performance.now();
      for (let k = 0; k < count; k++) await runAt(small);
      many = Math.min(many, performance.now() - started);
    }
    ratios[i] = one / many;
  }
  return ratios;
}

/** Speed of one half (encode: image -> latent; decode: latent -> image) per precision and size. */
async function halfSpeed(part: 'encoder' | 'decoder'): Promise<void> {
  const verb = part === 'encoder' ? 'encode' : 'decode';
  console.log(
    `\n## ${model} ${verb}, ${threads} thread(s), min / median of ${rounds} rounds of ${runs} runs (each after a warm-up), the sizes in turn`,
  );
  console.log(
    'GOP/s = 2 x the multiply-accumulates counted from the graph (halos not counted) / min time; ' +
      'per-pixel = (min ms per pixel) / (the same at 256). sustained (default tiling only) = one run ' +
      'at the size against as many back-to-back runs at 256 as make its pixels, timed in turn in ' +
      `${rounds} rounds (the least of each): no short run's best moment against a long run's average.`,
  );
  console.log(
    `| precision | ${part} | size | min ms | median ms | GOP/s | per-pixel vs 256 | sustained vs 256 |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const precision of precisions) {
    // Untiled, then the tiles asked for, or the half's default tiling.
    const variants: (number | null | undefined)[] = [null, ...(tiles ?? [undefined])];
    const tiling = part === 'encoder' ? DEFAULT_ENCODER_TILING : DEFAULT_DECODER_TILING[precision];
    for (const tile of variants) {
      const vae = await loadVae(model, {
        locations,
        intraOpThreads: threads,
        precision,
        // This half as one graph, in tiles of this side, or as it runs by default.
        [part === 'encoder' ? 'encoderTile' : 'decoderTile']: tile,
      });
      const measured = sizes.filter((side) => tile !== null || side <= untiledMax);
      const inputs = measured.map((side) =>
        part === 'encoder'
          ? syntheticImage(side)
          : syntheticLatent(side, vae.manifest.latentChannels),
      );
      const run = (input: Tensor4) => (part === 'encoder' ? vae.encode(input) : vae.decode(input));
      // The sizes in turn, round after round: these VMs drift by 10-30% within minutes, and a ratio
      // of two sizes timed minutes apart would measure the drift.
      const samples = measured.map((): number[] => []);
      for (let round = 0; round < rounds; round++)
        for (const [i, input] of inputs.entries())
          samples[i]!.push(...(await timeMs(() => run(input))));
      const small = measured.indexOf(256);
      const sustained =
        tile === undefined && small >= 0
          ? await sustainedRatios(measured, (i) => run(inputs[i]!), small)
          : [];
      let base: number | undefined;
      for (const [i, side] of measured.entries()) {
        const min = Math.min(...samples[i]!);
        const perPixel = min / (side * side);
        base ??= side === 256 ? perPixel : undefined;
        const gops = (2 * vae.macs(side, side)[part]) / (min / 1000) / 1e9;
        console.log(
          `| ${precision} | ${tile === null ? 'untiled' : tile === undefined ? `default (tiles ${tiling.tile}, whole up to ${tiling.wholeUpTo})` : `tiled ${tile}`} | ${side} | ${min.toFixed(0)} | ${median(samples[i]!).toFixed(0)} | ` +
            `${gops.toFixed(0)} | ${base ? `${(perPixel / base).toFixed(2)}x` : '-'} | ${sustained[i] ? `${sustained[i].toFixed(2)}x` : '-'} |`,
        );
      }
      await vae.close();
    }
  }
}

async function speed(): Promise<void> {
  const cpu = cpuInt8Support();
  const auto = choosePrecision('auto', await getManifest(model, locations.manifestsDir), cpu);
  console.log(`CPU int8 flags: ${cpu.flags.join(', ') || 'none'}`);
  console.log(`precision auto -> ${auto.precision} (${auto.reason})`);
  // In this process, as in the product's (scripts/node24.sh, the image): see the README's GLIBC_TUNABLES.
  console.log(`GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? '(unset)'}`);
  for (const half of halves) await halfSpeed(half);
}

/**
 * The first encode and decode of a 512x512 frame after loading, with and without `prepare` (what a
 * warmed render thread does): a tiled half makes its sessions on first use.
 */
async function coldStart(): Promise<void> {
  console.log(`\n## first use after loading, 512x512, ${threads} thread(s), fp32, ms`);
  console.log('| prepare | load | prepare | first encode | second | first decode | second |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const prepare of [false, true, false, true]) {
    const started = performance.now();
    const vae = await loadVae(model, { locations, intraOpThreads: threads, precision: 'fp32' });
    const times = [performance.now() - started];
    const step = async (work: () => Promise<unknown>) => {
      const begun = performance.now();
      await work();
      times.push(performance.now() - begun);
    };
    await step(async () => (prepare ? vae.prepare(512, 512) : undefined));
    const image = syntheticImage(512);
    const latent = syntheticLatent(512, vae.manifest.latentChannels);
    for (let i = 0; i < 2; i++) await step(() => vae.encode(image));
    for (let i = 0; i < 2; i++) await step(() => vae.decode(latent));
    console.log(`| ${prepare ? 'yes' : 'no'} | ${times.map((ms) => ms.toFixed(0)).join(' | ')} |`);
    await vae.close();
  }
}

type Vaes = Record<'fp32' | 'int8', Awaited<ReturnType<typeof loadVae>>>;

/**
 * int8 against fp32 at 512 (each precision encoding and decoding): one row per photo of `rows`,
 * its endpoint and its worst midpoint with any other photo of `dir`'s `photos`.
 */
async function int8Gate(
  vaes: Vaes,
  title: string,
  dir: string,
  photos: readonly string[],
  rows: readonly string[],
): Promise<Record<'fp32' | 'int8', Tensor4[]>> {
  const latents: Record<'fp32' | 'int8', Tensor4[]> = { fp32: [], int8: [] };
  for (const photo of photos) {
    const image = await imageToTensor(
      await readFile(join(dir, photo)),
      { width: 512, height: 512 },
      'cover',
    );
    for (const p of ['fp32', 'int8'] as const) latents[p].push(await vaes[p].encode(image));
  }
  const mid = (a: Tensor4, b: Tensor4): Tensor4 => ({
    data: a.data.map((v, i) => (v + b.data[i]!) / 2),
    shape: a.shape,
  });
  const measured = new Map<string, number>();
  const quality = async (i: number, j: number): Promise<number> => {
    const key = `${Math.min(i, j)} ${Math.max(i, j)}`;
    const known = measured.get(key);
    if (known !== undefined) return known;
    const pick = (p: 'fp32' | 'int8') =>
      i === j ? latents[p][i]! : mid(latents[p][i]!, latents[p][j]!);
    const q = psnr8(await vaes.fp32.decode(pick('fp32')), await vaes.int8.decode(pick('int8')));
    measured.set(key, q);
    return q;
  };
  console.log(`\n## int8 vs fp32 at 512, ${title}`);
  console.log('| photo | endpoint dB | worst midpoint dB (with) |');
  console.log('| --- | --- | --- |');
  for (const name of rows) {
    const i = photos.indexOf(name);
    let worst: [number, string] = [Infinity, ''];
    for (let j = 0; j < photos.length; j++) {
      const q = j === i ? Infinity : await quality(i, j);
      if (q < worst[0]) worst = [q, photos[j]!];
    }
    console.log(
      `| ${name} | ${(await quality(i, i)).toFixed(2)} | ${worst[0].toFixed(2)} (${worst[1]}) |`,
    );
  }
  const all = [...measured.values()];
  console.log(
    `${all.length} frames, worst ${Math.min(...all).toFixed(2)} dB, ${all.filter((q) => q < 40).length} below 40`,
  );
  return latents;
}

/**
 * int8 against fp32 on the photos the shipped calibration never saw and on photos outside the
 * shared set (scripts/outside-photos.sh), and tiled against untiled, at 512.
 */
async function quality(): Promise<void> {
  const calibration = JSON.parse(
    await readFile(shippedCalibrationPath(locations.manifestsDir, model), 'utf8'),
  ) as { photos?: string[] };
  const photos = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'];
  const heldOut = photos.filter((p) => !calibration.photos?.includes(p));
  const vaes: Vaes = {
    fp32: await loadVae(model, { locations, intraOpThreads: 2, precision: 'fp32' }),
    int8: await loadVae(model, { locations, intraOpThreads: 2, precision: 'int8' }),
  };
  const latents = await int8Gate(
    vaes,
    `shared photos the calibration never saw (${heldOut.join(', ')}), midpoints with all four`,
    images,
    photos,
    heldOut,
  );
  const outside = existsSync(outsidePhotos)
    ? (await readdir(outsidePhotos)).filter((name) => /\.(png|jpe?g)$/i.test(name)).sort()
    : [];
  if (outside.length > 0)
    await int8Gate(
      vaes,
      'photos outside the shared set, every pair',
      outsidePhotos,
      outside,
      outside,
    );
  else
    console.log(`\n(no photos in ${outsidePhotos}: bash scripts/outside-photos.sh fetches them)`);
  console.log('\n## tiled vs untiled at 512 (astronaut), 32-pixel tiles');
  console.log('| precision | half | PSNR dB | max abs difference |');
  console.log('| --- | --- | --- | --- |');
  const astronaut = await imageToTensor(
    await readFile(join(images, photos[0]!)),
    { width: 512, height: 512 },
    'cover',
  );
  for (const precision of ['fp32', 'int8'] as const) {
    const tiles = (tile: number | null) => ({ decoderTile: tile, encoderTile: tile });
    const untiled = await loadVae(model, {
      locations,
      intraOpThreads: 2,
      precision,
      ...tiles(null),
    });
    const tiled = await loadVae(model, { locations, intraOpThreads: 2, precision, ...tiles(32) });
    const pairs: [string, Tensor4, Tensor4][] = [
      ['encoder', await untiled.encode(astronaut), await tiled.encode(astronaut)],
      [
        'decoder',
        await untiled.decode(latents[precision][0]!),
        await tiled.decode(latents[precision][0]!),
      ],
    ];
    for (const [half, a, b] of pairs) {
      let [maxAbs, squared] = [0, 0];
      for (let k = 0; k < a.data.length; k++) {
        const d = Math.abs(a.data[k]! - b.data[k]!);
        maxAbs = Math.max(maxAbs, d);
        squared += d * d;
      }
      const db =
        squared === 0 ? 'exact (Infinity)' : (10 * Math.log10(a.data.length / squared)).toFixed(1);
      console.log(`| ${precision} | ${half} | ${db} | ${maxAbs} |`);
    }
    await Promise.all([untiled.close(), tiled.close()]);
  }
  await Promise.all([vaes.fp32.close(), vaes.int8.close()]);
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

const RECIPE = 'classic recipe (PyTorch, seed_baseline.py), as its users run it';
const RECIPE_HUGE_PAGES = 'the same recipe with GLIBC_TUNABLES=glibc.malloc.hugetlb=1';
const A = join(images, 'astronaut.png');
const B = join(images, 'chelsea.png');
const NOISE = '0.5';

/** The CLI's executable, run as a command (its shebang line sets GLIBC_TUNABLES, as for `npx latent-lab`). */
const CLI = join(repo, 'apps/cli/bin/latent-lab.js');

function cliArgs(out: string, extra: string[]): string[] {
  return [
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
    await measure(CLI, cliArgs(join(scratch, 'warm'), []), scratch);
    const python = pythonWithTorch();
    const torch = python !== undefined;
    const variants: { name: string; run: (i: number) => Promise<Measured> }[] = [];
    // The recipe as its users run it (no GLIBC_TUNABLES), and with the malloc setting the CLI runs
    // with: on a VM whose page faults are dear, PyTorch's fresh tensors fault most of its time.
    const recipes = [
      [RECIPE, {}],
      [RECIPE_HUGE_PAGES, { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }],
    ] as const;
    if (python)
      for (const [name, env] of recipes)
        variants.push({
          name,
          run: (i) =>
            measure(
              python,
              [recipe, A, B, '10', '512', '2', join(scratch, `recipe-${name.length}-${i}`), NOISE],
              scratch,
              env,
            ),
        });
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
          const measured = await measure(CLI, cliArgs(out, [...extra]), scratch);
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
    const wallOf = (name: string) => {
      const measured = samples.get(name);
      return measured ? median(measured.map((m) => m.wallMs)) : undefined;
    };
    const [recipeWall, hugeRecipeWall] = [wallOf(RECIPE), wallOf(RECIPE_HUGE_PAGES)];
    console.log(
      '| run | wall s | vs recipe | vs recipe, huge pages | peak MB | page faults | load s | encode s | decode s | outputs s |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const s = (ms: number) => (ms / 1000).toFixed(2);
    for (const variant of variants) {
      const measured = samples.get(variant.name)!;
      const wall = median(measured.map((m) => m.wallMs));
      const peaks = measured.map((m) => m.peakMb).filter((p): p is number => p !== null);
      const peak = peaks.length > 0 ? Math.max(...peaks).toFixed(0) : 'n/a';
      const against = (base: number | undefined) => (base ? `${(wall / base).toFixed(3)}x` : 'n/a');
      const faults = median(measured.map((m) => m.faults ?? NaN));
      const report = reports.get(variant.name);
      const t = (pick: (r: CliReport) => number) =>
        report ? s(median(report.map((r) => pick(r)))) : '-';
      console.log(
        `| ${variant.name} | ${s(wall)} | ${against(recipeWall)} | ${against(hugeRecipeWall)} | ${peak} | ` +
          `${Number.isNaN(faults) ? 'n/a' : faults} | ${t((r) => r.timings.loadMs)} | ` +
          `${t((r) => r.timings.encodeMs)} | ${t((r) => r.timings.decodeMs)} | ${t((r) => r.timings.outputsMs)} |`,
      );
    }
    const auto = reports.get('latent-lab CLI, defaults (precision auto)')?.[0];
    if (auto) console.log(`(defaults used ${auto.precision.used}: ${auto.precision.reason})`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (!values['recipe-only']) {
  await speed();
  await coldStart();
  if (!values['no-quality']) await quality();
}
if (!values['no-recipe']) await againstRecipe();

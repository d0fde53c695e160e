// Engine benchmark: model speed (median ms, GFLOP/s from the graphs' own convolutions) and the
// overhead of a whole CLI run. Prints figures; asserts nothing.
// Usage: npm run bench [-- --runs 5]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelLocations } from '@latent-lab/config';
import { imageToTensor, loadVae, type Tensor4 } from '@latent-lab/engine';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, model: { type: 'string', default: 'taef2' } },
});
const runs = Number(values.runs);
const model = values.model!;
const repo = new URL('..', import.meta.url).pathname;
const locations = loadModelLocations(process.env);
const images = new URL('../../shared/images/', import.meta.url).pathname;

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
  const photo = await readFile(join(images, 'astronaut.png'));
  console.log(`## ${model}: encode/decode, median of ${runs} runs after one warm-up`);
  console.log('| size | threads | encode ms | decode ms | encode GFLOP/s | decode GFLOP/s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const threads of [1, 2]) {
    const vae = await loadVae(model, { locations, intraOpThreads: threads });
    for (const side of [256, 512]) {
      const image = await imageToTensor(photo, { width: side, height: side }, 'cover');
      let latent: Tensor4 = await vae.encode(image);
      const encodeMs = median(await timeMs(async () => (latent = await vae.encode(image))));
      const decodeMs = median(await timeMs(() => vae.decode(latent)));
      const macs = vae.macs(side, side);
      const gflops = (m: number, ms: number) => ((2 * m) / (ms / 1000) / 1e9).toFixed(1);
      console.log(
        `| ${side}x${side} | ${threads} | ${encodeMs.toFixed(0)} | ${decodeMs.toFixed(0)} | ` +
          `${gflops(macs.encoder, encodeMs)} | ${gflops(macs.decoder, decodeMs)} |`,
      );
    }
    await vae.close();
  }
  const reference = await loadVae(model, { locations });
  const macs = reference.macs(512, 512);
  console.log(
    `(counted from the graphs' Conv nodes at 512x512: encoder ${(macs.encoder / 1e9).toFixed(1)} GMAC, ` +
      `decoder ${(macs.decoder / 1e9).toFixed(1)} GMAC)`,
  );
  await reference.close();
}

interface CliReport {
  timings: {
    encoderCalls: number;
    encodeMs: number;
    decodeMs: number;
    loadMs: number;
    renderMs: number;
    outputsMs: number;
  };
}

async function cliRun(
  out: string,
  cacheDir: string,
): Promise<{ wallMs: number; report: CliReport }> {
  const args = [
    join(repo, 'apps/cli/bin/latent-lab.js'),
    'interpolate',
    join(images, 'astronaut.png'),
    join(images, 'chelsea.png'),
    '--steps',
    '10',
    '--size',
    '512x512',
    '--seed',
    '1',
    '--model',
    model,
    '--out',
    out,
    '--cache-dir',
    cacheDir,
  ];
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] }).on('close', resolve);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`CLI run failed with exit code ${code}`);
  return { wallMs, report: JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as CliReport };
}

async function pipelineOverhead(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'latent-lab-bench-'));
  try {
    const cacheDir = join(scratch, 'cache');
    const first = await cliRun(join(scratch, 'first'), cacheDir);
    const repeat = await cliRun(join(scratch, 'repeat'), cacheDir);
    console.log('\n## 10-frame CLI run at 512x512 (astronaut -> chelsea, default threads)');
    console.log(
      'Model s = encode + decode time inside onnxruntime. Pipeline = encoding keyframes, decoding',
    );
    console.log(
      'and writing the frames; the process adds start-up, model loading, animations and contact sheet.',
    );
    console.log(
      '| run | model s | pipeline s | pipeline / model | load s | animations s | process s | process / model | encoder calls |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [name, run] of [
      ['first', first],
      ['repeat', repeat],
    ] as const) {
      const t = run.report.timings;
      const modelMs = t.encodeMs + t.decodeMs;
      const s = (ms: number) => (ms / 1000).toFixed(2);
      console.log(
        `| ${name} | ${s(modelMs)} | ${s(t.renderMs)} | ${(t.renderMs / modelMs).toFixed(3)} | ${s(t.loadMs)} | ` +
          `${s(t.outputsMs)} | ${s(run.wallMs)} | ${(run.wallMs / modelMs).toFixed(3)} | ${t.encoderCalls} |`,
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await modelSpeed();
await pipelineOverhead();

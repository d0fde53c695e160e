// Where a tiled decode spends its time (npm run bench:stages): each resolution stage's share, and
// how much of it recomputes the tiles' halo. Every ONNX Runtime session run is timed and counted
// by session (a tiled decoder runs one session per stage; an untiled one, one session in all), and
// the output pixels the runs computed are set against the pixels the stage hands on: their ratio
// is the work the halo adds. "halo-free" divides it out, an estimate of what a scheme that never
// recomputes (carrying each layer's boundary rows from tile to tile) would cost.
// Prints figures; asserts nothing.
// Usage: npm run bench:stages [-- --precisions fp32,int8 --sizes 256,1024,2048 --runs 3 --threads 1]
import ort from 'onnxruntime-node';
import { parseArgs } from 'node:util';
import { loadModelLocations } from '@latent-lab/config';
import { loadVae, type Precision } from '@latent-lab/engine';
import { syntheticLatent } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    precisions: { type: 'string', default: 'fp32,int8' },
    sizes: { type: 'string', default: '256,1024,2048' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
  },
});
const precisions = values.precisions!.split(',') as Precision[];
const sizes = values.sizes!.split(',').map(Number);
const runs = Number(values.runs);
const threads = Number(values.threads);

interface StageTime {
  runs: number;
  ms: number;
  /** Output pixels the runs computed, halos included. */
  computed: number;
  /** Minor page faults during the runs (fresh memory touched: a few microseconds each on these VMs). */
  faults: number;
}

// Session runs, timed by session while `recording` is set.
const sessionIds = new WeakMap<object, number>();
let sessions = 0;
let recording: Map<number, StageTime> | undefined;
// The factory's type hides the class behind it; its prototype's run is what every session calls.
type Run = (
  this: ort.InferenceSession,
  ...args: unknown[]
) => Promise<ort.InferenceSession.ReturnType>;
const sessionClass = ort.InferenceSession as unknown as { prototype: { run: Run } };
const run = sessionClass.prototype.run;
sessionClass.prototype.run = async function (...args) {
  const started = performance.now();
  const faultsBefore = process.resourceUsage().minorPageFault;
  const results = await run.apply(this, args);
  const ms = performance.now() - started;
  const faults = process.resourceUsage().minorPageFault - faultsBefore;
  if (recording) {
    if (!sessionIds.has(this)) sessionIds.set(this, sessions++);
    const id = sessionIds.get(this)!;
    const output = Object.values(results)[0] as ort.Tensor;
    const [, , h, w] = output.dims;
    const stage = recording.get(id) ?? { runs: 0, ms: 0, computed: 0, faults: 0 };
    stage.runs++;
    stage.ms += ms;
    stage.faults += faults;
    stage.computed += h! * w!;
    recording.set(id, stage);
  }
  return results;
};

const locations = loadModelLocations(process.env);
console.log(
  `## taef2 decode by stage, ${threads} thread(s), the run with the least total time of ${runs} after a warm-up`,
);
console.log(
  'computed/needed: output pixels the runs computed over those the stage hands on (the halo). ' +
    'ns/px: per pixel of the decoded image. halo-free: ns/px / (computed/needed); its total adds ' +
    'the time outside the sessions (cropping and pasting tiles). faults: minor page faults (fresh ' +
    "memory first touched) inside the stage's runs, whose outputs ONNX Runtime's Node binding " +
    "hands over in memory of their own; on the all row, the whole decode's, its image included.",
);
console.log(
  '| precision | size | stage | runs | ms | computed/needed | ns/px | halo-free ns/px | faults |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const precision of precisions) {
  const vae = await loadVae('taef2', { locations, intraOpThreads: threads, precision });
  let reference: number | undefined;
  for (const side of sizes) {
    const latent = syntheticLatent(side, vae.manifest.latentChannels);
    await vae.decode(latent); // warm-up: sessions made, buffers kept
    let best: { total: number; faults: number; stages: Map<number, StageTime> } | undefined;
    for (let i = 0; i < runs; i++) {
      recording = new Map();
      const faultsBefore = process.resourceUsage().minorPageFault;
      const started = performance.now();
      await vae.decode(latent);
      const total = performance.now() - started;
      const faults = process.resourceUsage().minorPageFault - faultsBefore;
      const stages = recording;
      recording = undefined;
      if (!best || total < best.total) best = { total, faults, stages };
    }
    const pixels = side * side;
    const ordered = [...best!.stages.entries()].sort(([a], [b]) => a - b);
    // Time outside the sessions (cropping tiles, pasting outputs) counts in full.
    let sessionMs = 0;
    let haloFree = 0;
    for (const [k, [, stage]] of ordered.entries()) {
      // A stage's whole output: the decoder's image at 1/8, 1/4, 1/2 and 1 of the side, in turn
      // from the last stage back (an untiled decoder is one stage at the full side).
      const outSide = side / 2 ** (ordered.length - 1 - k);
      const needed = outSide * outSide;
      const ratio = stage.computed / needed;
      const nsPerPixel = (stage.ms * 1e6) / pixels;
      sessionMs += stage.ms;
      haloFree += nsPerPixel / ratio;
      console.log(
        `| ${precision} | ${side} | ${ordered.length === 1 ? 'whole' : k} | ${stage.runs} | ${stage.ms.toFixed(0)} | ` +
          `${ratio.toFixed(3)} | ${nsPerPixel.toFixed(0)} | ${(nsPerPixel / ratio).toFixed(0)} | ${stage.faults} |`,
      );
    }
    const total = (best!.total * 1e6) / pixels;
    const faults = best!.faults;
    haloFree += ((best!.total - sessionMs) * 1e6) / pixels;
    reference ??= side === 256 ? total : undefined;
    const against = (ns: number) => (reference ? `${(ns / reference).toFixed(2)}x` : '-');
    console.log(
      `| ${precision} | ${side} | **all** | | ${best!.total.toFixed(0)} | | ${total.toFixed(0)} (${against(total)} of 256) | ${haloFree.toFixed(0)} (${against(haloFree)}) | ${faults} |`,
    );
  }
  await vae.close();
}

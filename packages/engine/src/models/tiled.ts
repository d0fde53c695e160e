// Depth-first tiled execution: a TAE half's stages (`TaeSegment`) run one after another; a stage
// whose receptive field is local (no GroupNorm) runs tile by tile, each tile's input carrying the
// stage's receptive-field radius (`halo`) of context, so its activations stay in cache while the
// output equals the whole image's: the context covers every pixel a core output depends on, and the
// zero padding at a tile's inner edge only reaches the discarded halo.
import ort from 'onnxruntime-node';
import { EngineError } from '../errors.ts';
import type { GraphProto } from './onnx.ts';
import { countConvMacs } from './macs.ts';
import type { TaeSegment } from './tae-graph.ts';

type Data = Float32Array | Uint8Array;
type DataArray = new (length: number) => Data;

/**
 * Where a tiled run's tile inputs and intermediate stage outputs come from. Fresh memory costs a
 * page fault per 4 KiB page on first touch, which on a VM is dear: a 1-thread 2048x2048 int8 decode
 * faulted in 29,000-40,000 pages a run, 17,000-24,000 with its buffers kept (Zen 5 VM, alternating
 * processes: 4.78-4.93 s against 4.94-5.89 s; fp32 1024 3.25-3.49 s against 3.62-3.76 s; the same
 * peak). A tiled half keeps them between runs of one size: 84 MB for an int8 2048 decode.
 */
export interface Buffers {
  /** A typed array of `length` elements for `role` (contents unspecified). */
  take(role: string, Array_: DataArray, length: number): Data;
}

export const freshBuffers: Buffers = { take: (_, Array_, length) => new Array_(length) };

/** Buffers kept by role, element type and length, so runs of one size reuse them. */
export function keptBuffers(): Buffers & { clear(): void } {
  const kept = new Map<string, Data>();
  return {
    take(role, Array_, length) {
      const key = `${role} ${Array_.name} ${length}`;
      let buffer = kept.get(key);
      if (!buffer) kept.set(key, (buffer = new Array_(length)));
      return buffer;
    },
    clear: () => kept.clear(),
  };
}

/** A decoder stage ready to run (the whole decoder is one stage with no halo). */
export interface Stage extends Omit<TaeSegment, 'model'> {
  session: ort.InferenceSession;
  skeleton: GraphProto;
  input: string;
  output: string;
}

export interface Tensor {
  data: Data;
  shape: readonly number[];
}

/** [start, end) bounds of `count` near-equal parts of `length`. */
function split(length: number, count: number): [number, number][] {
  return Array.from({ length: count }, (_, i) => [
    Math.round((i * length) / count),
    Math.round(((i + 1) * length) / count),
  ]);
}

/** Rows [y0, y1) and columns [x0, x1) of every channel of an NCHW tensor, copied into `out`. */
function crop(t: Tensor, y0: number, y1: number, x0: number, x1: number, out: Data): Tensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const [th, tw] = [y1 - y0, x1 - x0];
  for (let plane = 0; plane < n * c; plane++)
    for (let y = 0; y < th; y++) {
      const from = (plane * h + y0 + y) * w + x0;
      out.set(t.data.subarray(from, from + tw), (plane * th + y) * tw);
    }
  return { data: out, shape: [n, c, th, tw] };
}

/** Writes `part` rows [py0, py0 + rows) and columns [px0, px0 + cols) into `into` at (y, x). */
function paste(
  into: Tensor,
  part: Tensor,
  py0: number,
  px0: number,
  rows: number,
  cols: number,
  y: number,
  x: number,
): void {
  const [, , h, w] = into.shape as [number, number, number, number];
  const [n, c, ph, pw] = part.shape as [number, number, number, number];
  for (let plane = 0; plane < n * c; plane++)
    for (let r = 0; r < rows; r++) {
      const from = (plane * ph + py0 + r) * pw + px0;
      into.data.set(part.data.subarray(from, from + cols), (plane * h + y + r) * w + x);
    }
}

async function runSession(stage: Stage, input: Tensor): Promise<Tensor> {
  const results = await stage.session.run({
    [stage.input]: new ort.Tensor(stage.inputType, input.data, input.shape),
  });
  const output = results[stage.output];
  if (!output || output.type !== stage.outputType)
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `model output "${stage.output}" is missing or not ${stage.outputType}`,
    );
  return { data: output.data as Data, shape: [...output.dims] };
}

/**
 * Runs a stage over `input` in tiles whose high-resolution side is at most `tile` pixels (plus the
 * halo) when the stage allows it and the image is larger than one tile; whole otherwise. Tiles are
 * laid out on the stage's lower-resolution side, so a downsampling stage's input tiles start on even
 * rows and columns, where its stride-2 convolution samples. Tile inputs come from `buffers`, and so
 * does the tiled output when `outputRole` names it (an output the caller keeps must be fresh).
 */
export async function runStage(
  stage: Stage,
  input: Tensor,
  tile: number,
  buffers: Buffers = freshBuffers,
  outputRole?: string,
): Promise<Tensor> {
  const [, , h, w] = input.shape as [number, number, number, number];
  const { scale, halo } = stage;
  // Input and output pixels per pixel of the lower-resolution side.
  const [inStep, outStep] = scale === 2 ? [1, 2] : scale === 0.5 ? [2, 1] : [1, 1];
  const [lowH, lowW] = [h / inStep, w / inStep];
  const core = Math.max(1, Math.floor(tile / Math.max(inStep, outStep)));
  if (halo === null || (lowH <= core && lowW <= core)) return runSession(stage, input);
  if (!Number.isInteger(lowH) || !Number.isInteger(lowW))
    throw new EngineError('INVALID_OPTION', `a ${h}x${w} input cannot be halved exactly`);
  let output: Tensor | undefined;
  for (const [y0, y1] of split(lowH, Math.ceil(lowH / core)))
    for (const [x0, x1] of split(lowW, Math.ceil(lowW / core))) {
      const [ey0, ex0] = [Math.max(0, y0 - halo), Math.max(0, x0 - halo)];
      const [ey1, ex1] = [Math.min(lowH, y1 + halo), Math.min(lowW, x1 + halo)];
      const [n, c] = input.shape as [number, number];
      const [ty0, ty1, tx0, tx1] = [ey0 * inStep, ey1 * inStep, ex0 * inStep, ex1 * inStep];
      const into = buffers.take(
        'tile',
        input.data.constructor as DataArray,
        n * c * (ty1 - ty0) * (tx1 - tx0),
      );
      const part = await runSession(stage, crop(input, ty0, ty1, tx0, tx1, into));
      if (!output) {
        const [, pc] = part.shape as [number, number];
        const Array_ = part.data.constructor as DataArray;
        const [oh, ow] = [lowH * outStep, lowW * outStep];
        const length = n * pc * oh * ow;
        const data = outputRole ? buffers.take(outputRole, Array_, length) : new Array_(length);
        output = { data, shape: [n, pc, oh, ow] };
      }
      const [rows, cols] = [(y1 - y0) * outStep, (x1 - x0) * outStep];
      const [py0, px0] = [(y0 - ey0) * outStep, (x0 - ex0) * outStep];
      paste(output, part, py0, px0, rows, cols, y0 * outStep, x0 * outStep);
    }
  return output!;
}

/** Runs the stages in order; the last stage's output is fresh, the others' from `buffers`. */
export async function runStages(
  stages: readonly Stage[],
  input: Tensor,
  tile: number,
  buffers: Buffers = freshBuffers,
): Promise<Tensor> {
  let value = input;
  for (const [i, stage] of stages.entries()) {
    const last = i === stages.length - 1;
    value = await runStage(stage, value, tile, buffers, last ? undefined : `stage ${i}`);
  }
  return value;
}

/** A VAE half as it runs: one graph, or stages in tiles. */
export interface HalfRunner {
  run(input: Tensor): Promise<Tensor>;
  /** Makes the sessions an input of h x w runs on now, so its first run does not pay for them. */
  prepare(h: number, w: number): Promise<void>;
  /** Multiply-accumulates on an untiled input of h x w. */
  macs(h: number, w: number): number;
  release(): Promise<void>;
}

/** A half that is one graph, never tiled. */
export function wholeRunner(stage: Stage): HalfRunner {
  return {
    run: (input) => runStage(stage, input, Infinity),
    prepare: async () => {},
    macs: (h, w) => countConvMacs(stage.skeleton, h, w),
    release: () => stage.session.release(),
  };
}

/**
 * A tiled half: its whole graph for inputs whose image side (`imageScale` x the input's) is at most
 * `wholeUpTo`, where its stages would run in few tiles and lose the fusions across their cuts (2
 * threads, 512x512 encode: 739 ms whole, 788 ms in stages); its stages in tiles of `tile` above.
 * Each form's sessions are made on first use, as a process seldom needs both.
 */
export function tiledRunner(
  whole: { skeleton: GraphProto; create: () => Promise<Stage> },
  createStages: () => Promise<Stage[]>,
  sides: { tile: number; wholeUpTo: number; imageScale: number },
): HalfRunner {
  let wholeStage: Promise<Stage> | undefined;
  let stages: Promise<Stage[]> | undefined;
  const { tile, wholeUpTo, imageScale } = sides;
  const runsWhole = (h: number, w: number) => Math.max(h, w) * imageScale <= wholeUpTo;
  // The tiled runs' buffers, kept for the size last run (a run of another size replaces them). A
  // run that starts while another holds them takes fresh ones.
  const buffers = keptBuffers();
  let buffersFor = '';
  let buffersBusy = false;
  return {
    async run(input) {
      const [, , h, w] = input.shape as [number, number, number, number];
      if (runsWhole(h, w)) return runStage(await (wholeStage ??= whole.create()), input, Infinity);
      const ready = await (stages ??= createStages());
      if (buffersBusy) return runStages(ready, input, tile);
      const size = input.shape.join('x');
      if (size !== buffersFor) {
        buffers.clear();
        buffersFor = size;
      }
      buffersBusy = true;
      try {
        return await runStages(ready, input, tile, buffers);
      } finally {
        buffersBusy = false;
      }
    },
    async prepare(h, w) {
      if (runsWhole(h, w)) await (wholeStage ??= whole.create());
      else await (stages ??= createStages());
    },
    macs: (h, w) => countConvMacs(whole.skeleton, h, w),
    async release() {
      const made = await Promise.all([wholeStage, stages]);
      await Promise.all(made.flat().map((stage) => stage?.session.release()));
      [wholeStage, stages] = [undefined, undefined];
      buffers.clear();
    },
  };
}

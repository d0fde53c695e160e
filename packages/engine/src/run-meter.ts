// A run's metrics gathered frame by frame. A render from frame 0 feeds it as it goes, so the
// metrics are ready when its last frame is out; a finished run's stored frames (a run resumed by
// another worker) feed it the same figures, so both ways measure alike, to the last bit.
import type { RunMetrics } from '@latent-lab/domain';
import { EngineError } from './errors.ts';
import { interpolatePath } from './interpolate/index.ts';
import { NearestFrames, pathLength, psnr, runMetrics } from './metrics.ts';
import type { InterpolationMethod } from './types.ts';

/** A frame's 8-bit RGB pixels, or how to read them (only the frames nearest a keyframe are read). */
export type FramePixels = Uint8Array | (() => Promise<Uint8Array>);

function invalid(field: string, message: string): EngineError {
  return new EngineError('INVALID_OPTION', message, field);
}

export class RunMeter {
  private readonly alphas: number[] = [];
  private readonly changes: number[] = [];
  private readonly nearest: NearestFrames<FramePixels>;
  private latents: readonly Float32Array[] | undefined;
  private inputs: Promise<Uint8Array[]> | undefined;
  private readonly run: { steps: number; method: InterpolationMethod; keyframes: number };
  /** Keyframe k's input as the encoder saw it, in 8-bit pixels: its nearest frame's reference. */
  private readonly keyframePixels: (k: number) => Promise<Uint8Array>;

  constructor(
    run: { steps: number; method: InterpolationMethod; keyframes: number },
    keyframePixels: (k: number) => Promise<Uint8Array>,
  ) {
    this.run = run;
    this.keyframePixels = keyframePixels;
    this.nearest = new NearestFrames(run.keyframes);
  }

  /** The keyframes' latents: the path is measured between them. */
  setLatents(latents: readonly Float32Array[]): void {
    this.latents = latents;
  }

  /** Frame `index`, in order from 0: its position, its change from the frame before (null for frame 0) and its pixels. */
  frame(index: number, alpha: number, change: number | null, pixels: FramePixels): void {
    if (index !== this.alphas.length)
      throw invalid('frames', `frame ${index} came after ${this.alphas.length} frames`);
    this.alphas.push(alpha);
    if (change !== null) this.changes.push(change);
    this.nearest.offer(index, alpha, pixels);
    if (!this.inputs) {
      // Read from the first frame on, so a render reads them while it decodes the rest. A render
      // stopped before the end never asks for them: their failure is reported by result() alone.
      this.inputs = Promise.all(
        Array.from({ length: this.run.keyframes }, (_, k) => this.keyframePixels(k)),
      );
      this.inputs.catch(() => {});
    }
  }

  /** The metrics, once every frame of the run has been fed. */
  async result(): Promise<RunMetrics> {
    const { steps, method } = this.run;
    if (this.alphas.length !== steps)
      throw invalid('frames', `a run of ${steps} steps has ${this.alphas.length} frames`);
    const latents = this.latents;
    if (!latents) throw invalid('latents', 'the keyframe latents were never given');
    const inputs = await this.inputs!;
    const endpointPsnr: number[] = [];
    for (const [k, { value }] of this.nearest.frames().entries()) {
      const pixels = typeof value === 'function' ? await value() : value;
      endpointPsnr.push(psnr(pixels, inputs[k]!));
    }
    // One frame's latent at a time: a long run's latents together would not fit in memory.
    const alphas = this.alphas;
    const cleanLatents = (function* () {
      for (const alpha of alphas) yield interpolatePath(latents, alpha, method);
    })();
    return runMetrics({
      changes: this.changes,
      endpointPsnr,
      pathLength: pathLength(cleanLatents),
    });
  }
}

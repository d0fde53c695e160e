import type { KeyframeRef, RunMetrics, RunParams } from '@latent-lab/domain';
import type { ImageLimits, WeightLocations } from '@latent-lab/engine';
import type { StorageSettings } from '@latent-lab/storage';

/**
 * How many frames of one render a thread may have sent that its reader (the worker storing them)
 * has not taken: at that many it waits for a pull before decoding the next. Storing a frame takes a
 * fraction of a decode, so a render waits only while the store is slower than decoding, and then
 * holds at most this many frames in memory (a 2048x2048 frame: 12.6 MB of pixels, then its PNG)
 * instead of one more per decode.
 */
export const FRAMES_AHEAD = 4;

export interface RenderThreadOptions {
  /** The process's own store: a render thread opens the same folder or bucket. */
  storage: StorageSettings;
  intraOpThreads: number | undefined;
  imageLimits: ImageLimits;
  models: WeightLocations;
}

/** A frame as a render thread sends it: its figures and its 8-bit RGB pixels. */
export interface ThreadFrame {
  index: number;
  alpha: number;
  noiseLevel: number;
  decodeMs: number;
  /**
   * This render's keyframe encoding time so far, on the first frame it yields and on any later
   * frame before which it grew (frame 0 follows the first keyframe's encoding, frame 1 the
   * others'); null otherwise.
   */
  encodeMs: number | null;
  /** Change from the previous frame (the engine's frameChange); null for frame 0. */
  change: number | null;
  /** width x height x 3 bytes, row by row. */
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** A frame ready to store: the thread's figures, its PNG and its list thumbnail. */
export interface RenderedFrame extends Omit<ThreadFrame, 'pixels' | 'width' | 'height'> {
  png: Uint8Array;
  /** Small WebP of the frame for lists (the engine's rgb8Thumbnail). */
  thumbnail: Uint8Array;
}

/** A request about one run: its id on this thread, and the run's workspace, parameters and keyframes. */
interface ThreadRun {
  id: number;
  workspaceId: string;
  params: RunParams;
  keyframes: KeyframeRef[];
}

/** A stored frame as the metrics read it (every frame of the run, in index order). */
export interface StoredFrameRef {
  alpha: number;
  change: number | null;
  storageKey: string;
}

export type ToThread =
  | (ThreadRun & {
      type: 'render';
      fromFrame: number;
      /** Storage key of frame fromFrame - 1 when resuming: the first new frame's change is measured against it. */
      previousFrameKey: string | null;
    })
  /** Measure a finished run's metrics from its stored frames. */
  | (ThreadRun & { type: 'measure'; frames: StoredFrameRef[] })
  | { type: 'abort'; id: number }
  /** The reader took one of the render's frames: the thread may decode one more. */
  | { type: 'pull'; id: number }
  /** Load a model's sessions ahead of the first run. */
  | { type: 'warm'; model: string; width: number; height: number }
  /**
   * Close every model (an onnxruntime session keeps the memory of the largest frame it ran), then
   * load this one again and warm it as `warm` does; reported by 'warmed'.
   */
  | { type: 'release'; model: string; width: number; height: number };

export type FromThread =
  | { type: 'frame'; id: number; frame: ThreadFrame }
  /** The render has FRAMES_AHEAD frames its reader has not taken, and waits for a pull to go on. */
  | { type: 'waiting'; id: number }
  /** The run's metrics when the render started at frame 0 (measured as it went), else null. */
  | { type: 'done'; id: number; metrics: RunMetrics | null }
  | { type: 'metrics'; id: number; metrics: RunMetrics }
  /** The warm-up (or a release's) ended, failed or not. */
  | { type: 'warmed' }
  | { type: 'error'; id: number; error: ThreadError };

/** A failure on a render thread: the engine's code and field, or which stored file is missing. */
export interface ThreadError {
  message: string;
  code?: string;
  field?: string;
  missing?: 'keyframe' | 'frame';
}

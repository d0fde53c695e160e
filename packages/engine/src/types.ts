// Shared types of the latent engine. Every module of the engine speaks these.

/** A dense float32 tensor in NCHW layout (batch is always 1 here). */
export interface Tensor4 {
  readonly data: Float32Array;
  readonly shape: readonly [n: number, c: number, h: number, w: number];
}

export type InterpolationMethod = 'lerp' | 'slerp';
export type Easing = 'linear' | 'ease-in' | 'ease-out' | 'ease-in-out' | 'smoothstep';
export type FitMode = 'cover' | 'contain' | 'fill';

/** absolute: latent units (the classic recipe); relative: a multiple of the latent's standard deviation. */
export type NoiseMode = 'absolute' | 'relative';
export type NoiseSchedule = 'constant' | 'ramp-up' | 'ramp-down' | 'bell';

export interface NoiseOptions {
  /** Peak level, finite and >= 0. 0 reproduces the clean interpolation exactly. */
  readonly level: number;
  readonly mode: NoiseMode;
  readonly schedule: NoiseSchedule;
  /** true: one noise field shared by every frame (temporally coherent); false: fresh noise per frame (classic). */
  readonly shared: boolean;
  readonly seed: number;
}

export type FrameFormat = 'png' | 'webp';

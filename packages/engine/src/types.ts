// Shared types of the latent engine. Every module of the engine speaks these.

/** A dense float32 tensor in NCHW layout (batch is always 1 here). */
export interface Tensor4 {
  readonly data: Float32Array;
  readonly shape: readonly [n: number, c: number, h: number, w: number];
}

import type { NoiseMode, NoiseSchedule } from '@latent-lab/domain';

// The option types are the domain's: each option list is defined once, in @latent-lab/domain.
export type {
  Easing,
  FitMode,
  FrameFormat,
  InterpolationMethod,
  NoiseMode,
  NoiseSchedule,
} from '@latent-lab/domain';

export interface NoiseOptions {
  /** Peak level, finite and >= 0. 0 reproduces the clean interpolation exactly. */
  readonly level: number;
  readonly mode: NoiseMode;
  readonly schedule: NoiseSchedule;
  /** true: one noise field shared by every frame (temporally coherent); false: fresh noise per frame (classic). */
  readonly shared: boolean;
  readonly seed: number;
}

/** The configured bounds a run must stay within (MAX_STEPS, MAX_SIDE, MAX_NOISE_LEVEL, ...). */
export interface RunLimits {
  readonly maxSteps: number;
  readonly maxSide: number;
  /** Largest noise level accepted; above a few latent standard deviations a frame is pure noise. */
  readonly maxNoiseLevel: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxSteps: 1000, maxSide: 2048, maxNoiseLevel: 10 };

export const MIN_STEPS = 2;
export const MAX_SEED = 2 ** 32 - 1;
export const MIN_FPS = 1;
export const MAX_FPS = 50;
export const DEFAULT_FPS = 10;
export const MAX_RUN_NAME_LENGTH = 200;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;
/** Run notes are short Markdown: longer notes are refused, never cut. */
export const MAX_NOTES_LENGTH = 4000;
/** Frame sides are multiples of this (the VAE's downscale factor). */
export const SIDE_MULTIPLE = 8;

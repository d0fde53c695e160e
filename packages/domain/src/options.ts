// Every option list of a run, defined once. The engine's types, the GraphQL enums, the CLI's
// choices, the dashboard's selects and the database's CHECK constraints all come from these.

/** spline: a centripetal Catmull-Rom curve through every keyframe (smooth where lerp turns). */
export const INTERPOLATION_METHODS = ['lerp', 'slerp', 'spline'] as const;
export const EASINGS = ['linear', 'ease-in', 'ease-out', 'ease-in-out', 'smoothstep'] as const;
export const FIT_MODES = ['cover', 'contain', 'fill'] as const;
/** absolute: latent units (the classic recipe); relative: a multiple of the latent's standard deviation. */
export const NOISE_MODES = ['absolute', 'relative'] as const;
export const NOISE_SCHEDULES = ['constant', 'ramp-up', 'ramp-down', 'bell'] as const;
/** How an animation repeats: from the start, or forwards then backwards. */
export const LOOP_MODES = ['loop', 'ping-pong'] as const;
export const FRAME_FORMATS = ['png', 'webp'] as const;
/** auto: int8 on CPUs with fast integer dot products where the model passes the int8 quality gate. */
export const PRECISIONS = ['auto', 'fp32', 'int8'] as const;

export type InterpolationMethod = (typeof INTERPOLATION_METHODS)[number];
export type Easing = (typeof EASINGS)[number];
export type FitMode = (typeof FIT_MODES)[number];
export type NoiseMode = (typeof NOISE_MODES)[number];
export type NoiseSchedule = (typeof NOISE_SCHEDULES)[number];
export type LoopMode = (typeof LOOP_MODES)[number];
export type FrameFormat = (typeof FRAME_FORMATS)[number];
export type PrecisionSetting = (typeof PRECISIONS)[number];

/** The option lists by name, for code that derives something from each (enums, checks, tests). */
export const OPTION_LISTS = {
  InterpolationMethod: INTERPOLATION_METHODS,
  Easing: EASINGS,
  FitMode: FIT_MODES,
  NoiseMode: NOISE_MODES,
  NoiseSchedule: NOISE_SCHEDULES,
  LoopMode: LOOP_MODES,
  Precision: PRECISIONS,
} as const;

/** The constant-case name of an option ('ease-in' -> 'EASE_IN'), as GraphQL enums spell them. */
export function optionConstant(value: string): string {
  return value.toUpperCase().replace(/-/g, '_');
}

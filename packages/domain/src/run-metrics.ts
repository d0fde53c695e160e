// Quality figures of a finished run. The engine computes them (its README gives each formula); the
// data layer stores the scalars as columns so history can sort and filter on them.

export interface RunMetrics {
  /** Mean of the frame-to-frame changes (each in [0, 1], see FrameRecord.change). */
  meanChange: number;
  /** Largest frame-to-frame change. */
  maxChange: number;
  /** Population standard deviation / mean of the changes: 0 is an even pace (0 when the mean is 0). */
  changeCv: number;
  /** PSNR in dB of the frame nearest each keyframe against that keyframe's resized input, in keyframe order (capped at PSNR_CAP_DB). */
  endpointPsnr: number[];
  /** Smallest of endpointPsnr: the worst reproduced keyframe (what history sorts and filters on). */
  minEndpointPsnr: number;
  /** Sum of the L2 distances between consecutive frames' latents before noise, in latent units. */
  pathLength: number;
}

/** PSNR of identical images would be +Infinity, which GraphQL's Float cannot carry: it is capped here. */
export const PSNR_CAP_DB = 100;

/**
 * The scalar metrics, each a column that history sorts and filters on, by the API's constant for
 * it (GraphQL enum name) to the domain's key.
 */
export const RUN_METRIC_FIELDS = {
  MEAN_CHANGE: 'meanChange',
  MAX_CHANGE: 'maxChange',
  CHANGE_CV: 'changeCv',
  PATH_LENGTH: 'pathLength',
  MIN_ENDPOINT_PSNR: 'minEndpointPsnr',
} as const satisfies Record<string, keyof RunMetrics>;

export type RunMetricConstant = keyof typeof RUN_METRIC_FIELDS;
export type RunMetricKey = (typeof RUN_METRIC_FIELDS)[RunMetricConstant];

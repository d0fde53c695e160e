// The latent engine's public surface: models, interpolation, noise, image codecs and the pipeline.
export type * from './types.ts';
export { EngineError, type EngineErrorCode } from './errors.ts';
export * from './models/index.ts';
export * from './interpolate/index.ts';
export * from './noise/index.ts';
export * from './image/index.ts';
export * from './metrics.ts';
export * from './pipeline.ts';
export * from './run-meter.ts';
export * from './latent-cache.ts';

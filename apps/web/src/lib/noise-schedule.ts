import type { NoiseMode, NoiseSchedule } from '../gql/graphql.ts';
// The engine's own schedule (its noise module has no native code), so the plot is what the worker applies.
import { noiseLevelAt } from '@latent-lab/engine/noise';

export interface NoiseShape {
  readonly level: number;
  readonly mode: NoiseMode;
  readonly schedule: NoiseSchedule;
  readonly shared: boolean;
}

/** GraphQL enum names (RAMP_UP) to the engine's option strings (ramp-up). */
function engineName<T extends string>(graphqlName: string): T {
  return graphqlName.toLowerCase().replaceAll('_', '-') as T;
}

/**
 * The noise level of each frame; empty when the inputs cannot describe a run yet (the form shows
 * that field's own message instead).
 */
export function noiseLevels(noise: NoiseShape, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 2 || steps > 100_000) return [];
  if (!Number.isFinite(noise.level) || noise.level < 0) return [];
  const options = {
    level: noise.level,
    mode: engineName<'absolute' | 'relative'>(noise.mode),
    schedule: engineName<'constant' | 'ramp-up' | 'ramp-down' | 'bell'>(noise.schedule),
    shared: noise.shared,
    seed: 0,
  };
  return Array.from({ length: steps }, (_, index) => noiseLevelAt(options, index, steps));
}

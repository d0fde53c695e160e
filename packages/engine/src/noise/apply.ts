import { EngineError } from '../errors.ts';
import { NOISE_MODES } from '@latent-lab/domain';
import type { NoiseOptions, NoiseSchedule } from '../types.ts';
import { gaussianNoise } from './gaussian.ts';

const weights: Record<NoiseSchedule, (t: number) => number> = {
  constant: () => 1,
  'ramp-up': (t) => t,
  'ramp-down': (t) => 1 - t,
  bell: (t) => 4 * t * (1 - t),
};

function assertSchedule(schedule: string): asserts schedule is NoiseSchedule {
  if (!Object.hasOwn(weights, schedule)) {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown noise schedule "${schedule}" (expected one of ${Object.keys(weights).join(', ')})`,
      'noise.schedule',
    );
  }
}

/** Rejects anything but a finite level >= 0, a known mode and schedule, a boolean `shared` and an integer seed in [0, 2^32). */
export function validateNoise(noise: NoiseOptions): void {
  if (!Number.isFinite(noise.level) || noise.level < 0) {
    throw new EngineError(
      'INVALID_OPTION',
      `noise level must be a finite number >= 0, got ${noise.level}`,
      'noise.level',
    );
  }
  if (!NOISE_MODES.includes(noise.mode)) {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown noise mode "${noise.mode}" (expected absolute or relative)`,
      'noise.mode',
    );
  }
  assertSchedule(noise.schedule);
  if (typeof noise.shared !== 'boolean') {
    throw new EngineError('INVALID_OPTION', 'noise.shared must be true or false', 'noise.shared');
  }
  if (!Number.isInteger(noise.seed) || noise.seed < 0 || noise.seed >= 2 ** 32) {
    throw new EngineError(
      'INVALID_OPTION',
      `noise seed must be an integer in [0, 2^32), got ${noise.seed}`,
      'noise.seed',
    );
  }
}

/** The schedule's weight at position in [0,1]: constant 1, ramp-up t, ramp-down 1-t, bell 4t(1-t). */
export function scheduleWeight(schedule: NoiseSchedule, position: number): number {
  assertSchedule(schedule);
  if (!(position >= 0 && position <= 1)) {
    throw new EngineError(
      'INVALID_OPTION',
      `position must be in [0, 1], got ${position}`,
      'position',
    );
  }
  return weights[schedule](position);
}

/** noise.level times the schedule's weight at frameIndex/(steps-1); in the noise's own units (see applyNoise). */
export function noiseLevelAt(noise: NoiseOptions, frameIndex: number, steps: number): number {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new EngineError('INVALID_OPTION', `steps must be an integer >= 2, got ${steps}`, 'steps');
  }
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= steps) {
    throw new EngineError(
      'INVALID_OPTION',
      `frame index must be an integer in [0, ${steps - 1}], got ${frameIndex}`,
      'frameIndex',
    );
  }
  validateNoise(noise);
  return noise.level * scheduleWeight(noise.schedule, frameIndex / (steps - 1));
}

function standardDeviation(values: Float32Array): number {
  let sum = 0;
  for (const x of values) sum += x;
  const mean = sum / values.length;
  let squares = 0;
  for (const x of values) squares += (x - mean) * (x - mean);
  return values.length === 0 ? 0 : Math.sqrt(squares / values.length);
}

/**
 * latent + level * N(0,1), the noise drawn from stream frameIndex (stream 0 for every frame when
 * noise.shared). The returned level is the absolute standard deviation added, in latent units:
 * relative mode multiplies the scheduled level by the latent's population std. A level of 0 returns
 * a copy of the input values, bit for bit.
 */
export function applyNoise(
  latent: Float32Array,
  noise: NoiseOptions,
  frameIndex: number,
  steps: number,
): { latent: Float32Array; level: number } {
  const scheduled = noiseLevelAt(noise, frameIndex, steps);
  const level = noise.mode === 'relative' ? scheduled * standardDeviation(latent) : scheduled;
  if (level === 0) return { latent: latent.slice(), level };
  const field = gaussianNoise(noise.seed, noise.shared ? 0 : frameIndex, latent.length);
  const out = new Float32Array(latent.length);
  for (let i = 0; i < latent.length; i++) out[i] = latent[i]! + level * field[i]!;
  return { latent: out, level };
}

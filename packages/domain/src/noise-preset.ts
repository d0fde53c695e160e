import { z } from 'zod';
import type { RunLimits } from './limits.ts';
import { NOISE_MODES, NOISE_SCHEDULES } from './options.ts';
import { booleanField, numberIn, oneOf, parseWith, text } from './schema-helpers.ts';

export const MAX_PRESET_NAME_LENGTH = 100;
export const MAX_PRESET_DESCRIPTION_LENGTH = 500;

function presetFields(limits: Pick<RunLimits, 'maxNoiseLevel'>) {
  return {
    name: text('name', MAX_PRESET_NAME_LENGTH),
    level: numberIn('level', 0, limits.maxNoiseLevel),
    mode: oneOf('mode', NOISE_MODES),
    schedule: oneOf('schedule', NOISE_SCHEDULES),
    shared: booleanField('shared'),
    description: z
      .string({ error: 'description must be text' })
      .max(MAX_PRESET_DESCRIPTION_LENGTH, {
        error: `description must be at most ${MAX_PRESET_DESCRIPTION_LENGTH} characters`,
      }),
  };
}

export function noisePresetSchema(limits: Pick<RunLimits, 'maxNoiseLevel'>) {
  const fields = presetFields(limits);
  return z.object({
    ...fields,
    mode: fields.mode.default('absolute'),
    schedule: fields.schedule.default('constant'),
    shared: fields.shared.default(false),
    description: fields.description.default(''),
  });
}

export type NoisePresetParams = z.output<ReturnType<typeof noisePresetSchema>>;

export function parseNoisePreset(input: unknown, limits: Pick<RunLimits, 'maxNoiseLevel'>) {
  return parseWith(noisePresetSchema(limits), input, 'noise preset');
}

/** A partial update: omitted fields keep their stored values. */
export function parseNoisePresetUpdate(
  input: unknown,
  limits: Pick<RunLimits, 'maxNoiseLevel'>,
): Partial<NoisePresetParams> {
  return parseWith(z.object(presetFields(limits)).partial(), input, 'noise preset');
}

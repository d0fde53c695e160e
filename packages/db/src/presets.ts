// Noise presets: named noise recipes; the classic levels are built in and protected.
import type { NoiseMode, NoiseSchedule } from '@latent-lab/engine';
import { DbError } from './errors.ts';
import type { NoisePreset, PrismaClient } from './generated/client.ts';
import { isUniqueViolation, isUuid } from './prisma-errors.ts';

const NOISE_MODES = ['absolute', 'relative'] as const satisfies readonly NoiseMode[];
const NOISE_SCHEDULES = [
  'constant',
  'ramp-up',
  'ramp-down',
  'bell',
] as const satisfies readonly NoiseSchedule[];
const MAX_NAME_LENGTH = 100;

/** The classic recipe: absolute level, constant schedule, fresh noise per frame. */
export const BUILT_IN_PRESETS = [
  { name: 'none', level: 0, description: 'No noise: the clean interpolation.' },
  { name: '0.1', level: 0.1, description: 'Light grain (absolute 0.1 latent units per frame).' },
  {
    name: '0.5',
    level: 0.5,
    description: 'Visible texture (absolute 0.5 latent units per frame).',
  },
  { name: '1.0', level: 1.0, description: 'Heavy noise (absolute 1.0 latent units per frame).' },
].map((preset) => ({
  ...preset,
  mode: 'absolute',
  schedule: 'constant',
  shared: false,
  builtIn: true,
}));

export interface PresetInput {
  name: string;
  level: number;
  mode: NoiseMode;
  schedule: NoiseSchedule;
  shared?: boolean;
  description?: string;
}

/** Inserts the built-in presets that are missing; running it again changes nothing. */
export async function seedBuiltInPresets(prisma: PrismaClient): Promise<void> {
  await prisma.noisePreset.createMany({ data: BUILT_IN_PRESETS, skipDuplicates: true });
}

function checkPresetInput(input: Partial<PresetInput>): void {
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw new DbError('INVALID_INPUT', `preset name must be 1 to ${MAX_NAME_LENGTH} characters`, {
        field: 'name',
      });
    }
  }
  if (input.level !== undefined && !(Number.isFinite(input.level) && input.level >= 0)) {
    throw new DbError(
      'INVALID_INPUT',
      `preset level must be a finite number >= 0, got ${input.level}`,
      { field: 'level' },
    );
  }
  if (input.mode !== undefined && !(NOISE_MODES as readonly string[]).includes(input.mode)) {
    throw new DbError(
      'INVALID_INPUT',
      `preset mode must be one of ${NOISE_MODES.join(', ')}, got ${JSON.stringify(input.mode)}`,
      { field: 'mode' },
    );
  }
  if (
    input.schedule !== undefined &&
    !(NOISE_SCHEDULES as readonly string[]).includes(input.schedule)
  ) {
    throw new DbError(
      'INVALID_INPUT',
      `preset schedule must be one of ${NOISE_SCHEDULES.join(', ')}, got ${JSON.stringify(input.schedule)}`,
      {
        field: 'schedule',
      },
    );
  }
}

/** Built-ins first, then by name. */
export function listPresets(prisma: PrismaClient): Promise<NoisePreset[]> {
  return prisma.noisePreset.findMany({ orderBy: [{ builtIn: 'desc' }, { name: 'asc' }] });
}

export async function getPreset(prisma: PrismaClient, id: string): Promise<NoisePreset | null> {
  if (!isUuid(id)) return null;
  return prisma.noisePreset.findUnique({ where: { id } });
}

export function getPresetByName(prisma: PrismaClient, name: string): Promise<NoisePreset | null> {
  return prisma.noisePreset.findUnique({ where: { name } });
}

function duplicateName(name: string, error: unknown): DbError {
  return new DbError(
    'DUPLICATE_NAME',
    `a noise preset named ${JSON.stringify(name)} already exists`,
    { cause: error, field: 'name' },
  );
}

export async function createPreset(prisma: PrismaClient, input: PresetInput): Promise<NoisePreset> {
  checkPresetInput(input);
  const name = input.name.trim();
  try {
    return await prisma.noisePreset.create({
      data: {
        ...input,
        name,
        shared: input.shared ?? false,
        description: input.description ?? '',
        builtIn: false,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(name, error);
    throw error;
  }
}

async function requireEditablePreset(
  prisma: PrismaClient,
  id: string,
  action: string,
): Promise<NoisePreset> {
  const preset = await getPreset(prisma, id);
  if (!preset) throw new DbError('NOT_FOUND', `noise preset ${id} not found`, { field: 'id' });
  if (preset.builtIn)
    throw new DbError(
      'BUILTIN_PRESET',
      `cannot ${action} the built-in noise preset ${JSON.stringify(preset.name)}`,
      { field: 'id' },
    );
  return preset;
}

export async function updatePreset(
  prisma: PrismaClient,
  id: string,
  changes: Partial<PresetInput>,
): Promise<NoisePreset> {
  checkPresetInput(changes);
  await requireEditablePreset(prisma, id, 'update');
  const name = changes.name?.trim();
  try {
    return await prisma.noisePreset.update({
      where: { id },
      data: { ...changes, ...(name === undefined ? {} : { name }) },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(name ?? '', error);
    throw error;
  }
}

/** Deletes a user preset; runs that used it keep their noise snapshot (presetId becomes null). */
export async function deletePreset(prisma: PrismaClient, id: string): Promise<NoisePreset> {
  const preset = await requireEditablePreset(prisma, id, 'delete');
  await prisma.noisePreset.delete({ where: { id } });
  return preset;
}

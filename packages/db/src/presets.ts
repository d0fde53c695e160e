// Noise presets: named noise recipes; the classic levels are built in and protected. Inputs are
// validated by the domain schema (parseNoisePreset) before they reach this layer.
import type { NoisePresetParams, NoisePresetRecord } from '@latent-lab/domain';
import { DbError } from './errors.ts';
import type { PrismaClient } from './generated/client.ts';
import { isUniqueViolation, isUuid } from './prisma-errors.ts';
import { toPresetRecord } from './records.ts';

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

export type PresetInput = NoisePresetParams;

/** Inserts the built-in presets that are missing; running it again changes nothing. */
export async function seedBuiltInPresets(prisma: PrismaClient): Promise<void> {
  await prisma.noisePreset.createMany({ data: BUILT_IN_PRESETS, skipDuplicates: true });
}

/** Built-ins first, then by name. */
export async function listPresets(prisma: PrismaClient): Promise<NoisePresetRecord[]> {
  const rows = await prisma.noisePreset.findMany({
    orderBy: [{ builtIn: 'desc' }, { name: 'asc' }],
  });
  return rows.map(toPresetRecord);
}

export async function getPreset(
  prisma: PrismaClient,
  id: string,
): Promise<NoisePresetRecord | null> {
  if (!isUuid(id)) return null;
  const row = await prisma.noisePreset.findUnique({ where: { id } });
  return row ? toPresetRecord(row) : null;
}

export async function getPresetByName(
  prisma: PrismaClient,
  name: string,
): Promise<NoisePresetRecord | null> {
  const row = await prisma.noisePreset.findUnique({ where: { name } });
  return row ? toPresetRecord(row) : null;
}

function duplicateName(name: string, error: unknown): DbError {
  return new DbError(
    'DUPLICATE_NAME',
    `a noise preset named ${JSON.stringify(name)} already exists`,
    { cause: error, field: 'name' },
  );
}

export async function createPreset(
  prisma: PrismaClient,
  input: PresetInput,
): Promise<NoisePresetRecord> {
  const name = input.name;
  try {
    return toPresetRecord(await prisma.noisePreset.create({ data: { ...input, builtIn: false } }));
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(name, error);
    throw error;
  }
}

async function requireEditablePreset(
  prisma: PrismaClient,
  id: string,
  action: string,
): Promise<NoisePresetRecord> {
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
): Promise<NoisePresetRecord> {
  await requireEditablePreset(prisma, id, 'update');
  const name = changes.name;
  try {
    return toPresetRecord(await prisma.noisePreset.update({ where: { id }, data: changes }));
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(name ?? '', error);
    throw error;
  }
}

/** Deletes a user preset; runs that used it keep their noise snapshot (presetId becomes null). */
export async function deletePreset(prisma: PrismaClient, id: string): Promise<NoisePresetRecord> {
  const preset = await requireEditablePreset(prisma, id, 'delete');
  await prisma.noisePreset.delete({ where: { id } });
  return preset;
}

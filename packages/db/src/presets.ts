// Noise presets: named noise recipes; the classic levels are built in and protected. Inputs are
// validated by the domain schema (parseNoisePreset) before they reach this layer.
import type { NoisePresetParams, NoisePresetRecord } from '@latent-lab/domain';
import { DbError } from './errors.ts';
import { prismaOf, type DbClient } from './client.ts';
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
export async function seedBuiltInPresets(client: DbClient): Promise<void> {
  const prisma = prismaOf(client);
  await prisma.noisePreset.createMany({ data: BUILT_IN_PRESETS, skipDuplicates: true });
}

/** Built-ins first, then by name. */
/** The built-in presets, then the workspace's own, by name. */
export async function listPresets(
  client: DbClient,
  workspaceId: string,
): Promise<NoisePresetRecord[]> {
  const prisma = prismaOf(client);
  const rows = await prisma.noisePreset.findMany({
    where: { OR: [{ builtIn: true }, { workspaceId }] },
    orderBy: [{ builtIn: 'desc' }, { name: 'asc' }],
  });
  return rows.map(toPresetRecord);
}

/** A built-in preset or one of the workspace's; null for anything else. */
export async function getPreset(
  client: DbClient,
  id: string,
  workspaceId: string,
): Promise<NoisePresetRecord | null> {
  const prisma = prismaOf(client);
  if (!isUuid(id)) return null;
  const row = await prisma.noisePreset.findFirst({
    where: { id, OR: [{ builtIn: true }, { workspaceId }] },
  });
  return row ? toPresetRecord(row) : null;
}

export async function getPresetByName(
  client: DbClient,
  name: string,
  workspaceId: string | null = null,
): Promise<NoisePresetRecord | null> {
  const prisma = prismaOf(client);
  const row = await prisma.noisePreset.findFirst({ where: { name, workspaceId } });
  return row ? toPresetRecord(row) : null;
}

function duplicateName(name: string, error: unknown): DbError {
  return new DbError(
    'DUPLICATE_NAME',
    `a noise preset named ${JSON.stringify(name)} already exists`,
    { cause: error, field: 'name' },
  );
}

/** A workspace's preset; its name is unique in the workspace and among the built-ins. */
export async function createPreset(
  client: DbClient,
  input: PresetInput & { workspaceId: string; createdById: string | null },
): Promise<NoisePresetRecord> {
  const prisma = prismaOf(client);
  const name = input.name;
  if ((await getPresetByName(client, name)) !== null) throw duplicateName(name, undefined);
  try {
    return toPresetRecord(await prisma.noisePreset.create({ data: { ...input, builtIn: false } }));
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(name, error);
    throw error;
  }
}

async function requireEditablePreset(
  client: DbClient,
  id: string,
  workspaceId: string,
  action: string,
): Promise<NoisePresetRecord> {
  const preset = await getPreset(client, id, workspaceId);
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
  client: DbClient,
  id: string,
  workspaceId: string,
  changes: Partial<PresetInput>,
): Promise<NoisePresetRecord> {
  const prisma = prismaOf(client);
  await requireEditablePreset(client, id, workspaceId, 'update');
  if (changes.name !== undefined && (await getPresetByName(client, changes.name)) !== null) {
    throw duplicateName(changes.name, undefined);
  }
  const name = changes.name;
  try {
    return toPresetRecord(await prisma.noisePreset.update({ where: { id }, data: changes }));
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(name ?? '', error);
    throw error;
  }
}

/** Deletes a user preset; runs that used it keep their noise snapshot (presetId becomes null). */
export async function deletePreset(
  client: DbClient,
  id: string,
  workspaceId: string,
): Promise<NoisePresetRecord> {
  const prisma = prismaOf(client);
  const preset = await requireEditablePreset(client, id, workspaceId, 'delete');
  await prisma.noisePreset.delete({ where: { id } });
  return preset;
}

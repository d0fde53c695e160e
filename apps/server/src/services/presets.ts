import {
  createPreset,
  deletePreset,
  listPresets,
  updatePreset,
  type PrismaClient,
} from '@latent-lab/db';
import type { PresetApi } from '../graphql/context.ts';
import type { NoisePreset, NoisePresetInput, NoisePresetUpdateInput } from '../graphql/types.ts';
import { presetView } from './views.ts';

/** Drops nulls: an omitted or null field in an update leaves the stored value as it is. */
function defined<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  ) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

export class PresetService implements PresetApi {
  constructor(private readonly prisma: PrismaClient) {}

  async list(): Promise<NoisePreset[]> {
    return (await listPresets(this.prisma)).map(presetView);
  }

  async create(input: NoisePresetInput): Promise<NoisePreset> {
    return presetView(await createPreset(this.prisma, { ...input }));
  }

  async update(id: string, input: NoisePresetUpdateInput): Promise<NoisePreset> {
    return presetView(await updatePreset(this.prisma, id, defined({ ...input })));
  }

  async delete(id: string): Promise<boolean> {
    await deletePreset(this.prisma, id);
    return true;
  }
}

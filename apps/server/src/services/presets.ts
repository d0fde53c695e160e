import {
  createPreset,
  deletePreset,
  listPresets,
  updatePreset,
  type DbClient,
} from '@latent-lab/db';
import {
  parseNoisePreset,
  parseNoisePresetUpdate,
  type NoisePresetRecord,
  type RunLimits,
} from '@latent-lab/domain';

/** Drops nulls: an omitted or null field in an update leaves the stored value as it is. */
function defined(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value != null));
}

export class PresetService {
  constructor(
    private readonly db: DbClient,
    private readonly limits: RunLimits,
  ) {}

  list(): Promise<NoisePresetRecord[]> {
    return listPresets(this.db);
  }

  create(input: object): Promise<NoisePresetRecord> {
    return createPreset(this.db, parseNoisePreset(defined(input), this.limits));
  }

  update(id: string, input: object): Promise<NoisePresetRecord> {
    return updatePreset(this.db, id, parseNoisePresetUpdate(defined(input), this.limits));
  }

  async delete(id: string): Promise<boolean> {
    await deletePreset(this.db, id);
    return true;
  }
}

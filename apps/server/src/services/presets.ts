import {
  createPreset,
  deletePreset,
  getPreset,
  listPresets,
  updatePreset,
  type DbClient,
} from '@latent-lab/db';
import {
  authorize,
  authorizeEdit,
  notFound,
  parseNoisePreset,
  parseNoisePresetUpdate,
  type Actor,
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

  /** The built-in presets and the workspace's own. */
  list(actor: Actor): Promise<NoisePresetRecord[]> {
    authorize(actor, 'read');
    return listPresets(this.db, actor.workspaceId);
  }

  create(actor: Actor, input: object): Promise<NoisePresetRecord> {
    authorize(actor, 'create');
    return createPreset(this.db, {
      ...parseNoisePreset(defined(input), this.limits),
      workspaceId: actor.workspaceId,
      createdById: actor.userId,
    });
  }

  async update(actor: Actor, id: string, input: object): Promise<NoisePresetRecord> {
    await this.requireEditable(actor, id);
    return updatePreset(
      this.db,
      id,
      actor.workspaceId,
      parseNoisePresetUpdate(defined(input), this.limits),
    );
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    await this.requireEditable(actor, id);
    await deletePreset(this.db, id, actor.workspaceId);
    return true;
  }

  private async requireEditable(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'read');
    const preset = await getPreset(this.db, id, actor.workspaceId);
    if (!preset) throw notFound('noise preset', id);
    // Built-in presets are refused by the data layer with their own message.
    if (!preset.builtIn) authorizeEdit(actor, preset.createdById);
    else authorize(actor, 'create');
  }
}

import { authorize, DomainError, type Actor } from '@latent-lab/domain';
import { listManifests, weightsAvailable, type WeightLocations } from '@latent-lab/engine';

export interface ModelInfo {
  name: string;
  description: string | null;
  latentChannels: number | null;
  /** Whether the weights are present locally (or in the mirror). */
  weightsAvailable: boolean;
}

/** The models this installation knows (the manifests in the configured folder). */
export class ModelCatalog {
  constructor(private readonly locations: WeightLocations) {}

  async list(actor: Actor): Promise<ModelInfo[]> {
    authorize(actor, 'read');
    const manifests = await listManifests(this.locations.manifestsDir);
    return Promise.all(
      manifests.map(async (manifest) => ({
        name: manifest.id,
        description: manifest.name,
        latentChannels: manifest.latentChannels,
        weightsAvailable: await weightsAvailable(manifest, this.locations),
      })),
    );
  }

  /** Refuses an unknown model id, naming the known ones. */
  async require(id: string): Promise<void> {
    const known = (await listManifests(this.locations.manifestsDir)).map((m) => m.id);
    if (!known.includes(id)) {
      throw new DomainError(
        'invalid',
        'UNKNOWN_MODEL',
        `model: unknown model "${id}" (known: ${known.join(', ')})`,
        { field: 'model' },
      );
    }
  }
}

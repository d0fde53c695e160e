import {
  defaultWeightLocations,
  listManifests,
  weightsAvailable,
  type WeightLocations,
} from '@latent-lab/engine';
import type { ModelApi } from '../graphql/context.ts';
import type { Model } from '../graphql/types.ts';

export class ModelService implements ModelApi {
  constructor(private readonly locations: WeightLocations = defaultWeightLocations()) {}

  async list(): Promise<Model[]> {
    const manifests = await listManifests();
    return Promise.all(
      manifests.map(async (manifest) => ({
        name: manifest.id,
        description: manifest.name,
        latentChannels: manifest.latentChannels,
        weightsAvailable: await weightsAvailable(manifest, this.locations),
      })),
    );
  }
}

// Public API of the model layer: manifests, weight lookup/download/verification, and VAEs.
export {
  DEFAULT_MODEL_ID,
  getManifest,
  listManifests,
  parseManifest,
  type ModelManifest,
  type OnnxTensorNames,
  type WeightFile,
} from './manifest.ts';
export {
  fetchWeights,
  verifyWeights,
  weightsAvailable,
  type DownloadProgress,
  type WeightCheck,
  type WeightLocations,
} from './locations.ts';
export { loadVae, openVae, type LoadVaeOptions, type Vae } from './vae.ts';

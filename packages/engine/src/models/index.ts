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
export {
  calibrateModel,
  calibrationJson,
  shippedCalibrationPath,
  type Calibration,
  type CalibrationSource,
} from './calibration.ts';
export {
  DEFAULT_DECODER_TILING,
  DEFAULT_ENCODER_TILING,
  INT8_RECIPE,
  loadVae,
  openVae,
  type LoadVaeOptions,
  type Tiling,
  type Vae,
} from './vae.ts';
export {
  choosePrecision,
  cpuInt8Support,
  INT8_GATED_MODELS,
  PRECISION_SETTINGS,
  validatePrecision,
  type CpuInt8Support,
  type Precision,
  type PrecisionChoice,
  type PrecisionSetting,
} from './precision.ts';

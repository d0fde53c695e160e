// @latent-lab/db: Prisma 7 client on PostgreSQL or embedded PGlite, migrations, and data access.
export { openDatabase, type Database, type OpenDatabaseOptions, type BossDb } from './database.ts';
export { DbError, type DbErrorCode } from './errors.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Connection, type PageArgs } from './pagination.ts';
export {
  createOrGetImage,
  getImage,
  getImageBySha256,
  listImages,
  runsUsingImage,
  deleteImage,
  type NewImage,
} from './images.ts';
export {
  BUILT_IN_PRESETS,
  seedBuiltInPresets,
  listPresets,
  getPreset,
  getPresetByName,
  createPreset,
  updatePreset,
  deletePreset,
  type PresetInput,
} from './presets.ts';
export {
  createRun,
  getRun,
  listRuns,
  setRunStatus,
  addTags,
  removeTags,
  deleteRun,
  countFrames,
  type NewRun,
  type RunWithKeyframes,
  type RunDetail,
  type RunSort,
  type RunFilter,
  type ListRunsArgs,
  type StatusChange,
} from './runs.ts';
export { upsertFrame, listFrames, listThumbnailFrames, type FrameInput } from './frames.ts';
export { PrismaClient, Prisma, RunStatus } from './generated/client.ts';
export type { Image, NoisePreset, Run, RunImage, Frame } from './generated/client.ts';

// @latent-lab/db: the data layer. Prisma 7 on PostgreSQL or embedded PGlite, migrations, and data
// access that takes and returns domain records; no Prisma type or call leaves this package.
export { openDatabase, type Database, type OpenDatabaseOptions, type BossDb } from './database.ts';
export { DbError, type DbErrorCode } from './errors.ts';
export { DEFAULT_PAGE_SIZE, type PageArgs } from './pagination.ts';
export {
  createOrGetImage,
  getImage,
  getImages,
  getImageBySha256,
  listImages,
  countRunsUsingImage,
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
  getRuns,
  listRuns,
  countRuns,
  setRunStatus,
  addTags,
  removeTags,
  deleteRun,
  countFrames,
  runIdsChangedSince,
  type NewRunRow,
  type RunSort,
  type RunFilter,
  type ListRunsArgs,
  type StatusChange,
} from './runs.ts';
export {
  upsertFrame,
  listFrames,
  pageFrames,
  framesAfter,
  thumbnailFrames,
  type FrameInput,
} from './frames.ts';
/** The handle every data-access function takes; callers pass it along and never query it. */
export type { PrismaClient as DbClient } from './generated/client.ts';

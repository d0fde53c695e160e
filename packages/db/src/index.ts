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
  storageBytes,
  setRunStatus,
  addTags,
  removeTags,
  setRunNotes,
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
export {
  countUsers,
  createUser,
  findUserByEmail,
  getUsers,
  createSession,
  findSession,
  deleteSession,
  createWorkspace,
  findOwnerlessWorkspace,
  addMember,
  listMemberships,
  getMembership,
  listMembers,
  changeMember,
  createInvitation,
  acceptInvitation,
  createApiToken,
  listApiTokens,
  findApiToken,
  deleteApiToken,
  serverSecret,
} from './accounts.ts';
/** The handle every data-access function takes; callers pass it along and never query it. */
export type { PrismaClient as DbClient } from './generated/client.ts';
export { databaseRateLimiter, type RateLimiterAbstract } from './rate-limits.ts';

// @latent-lab/db: the data layer. Prisma 7 on PostgreSQL or embedded PGlite, migrations, and data
// access that takes and returns domain records; no Prisma type or call leaves this package.
export { openDatabase, type Database, type OpenDatabaseOptions, type BossDb } from './database.ts';
export { DbError, type DbErrorCode } from './errors.ts';
export { countQueueJobs, countRunsByStatus, type QueueStateCount } from './gauges.ts';
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
  recordEncodeTime,
  addTags,
  removeTags,
  setRunNotes,
  deleteRun,
  countFrames,
  runIdsChangedSince,
  importRuns,
  queueSnapshot,
  type QueueSnapshot,
  type NewRunRow,
  type PastRunRow,
  type RunSort,
  type RunFilter,
  type ListRunsArgs,
  type StatusChange,
} from './runs.ts';
export { createReport, getReport, listReports, updateReport, deleteReport } from './reports.ts';
export {
  createSweep,
  getSweep,
  listSweeps,
  sweepCells,
  type NewSweepRow,
  type NewSweepCell,
} from './sweeps.ts';
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
  getPasswordHash,
  setPassword,
  createWorkspace,
  findOwnerlessWorkspace,
  addMember,
  listMemberships,
  getMembership,
  listMembers,
  changeMember,
  signUpAccount,
  invitationInvalid,
  previewInvitation,
  createInvitation,
  acceptInvitation,
  listInvitations,
  deleteInvitation,
  createApiToken,
  listApiTokens,
  findApiToken,
  deleteApiToken,
  serverSecret,
} from './accounts.ts';
export { storageBytes, reserveStorage, releaseStorage, workspaceUsage } from './quotas.ts';
export type { DbClient } from './client.ts';
export { databaseRateLimiter, type RateLimiterAbstract } from './rate-limits.ts';

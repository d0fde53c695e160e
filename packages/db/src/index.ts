// @latent-lab/db: Prisma 7 client on PostgreSQL or embedded PGlite, migrations, and data access.
export { openDatabase, type Database, type OpenDatabaseOptions, type BossDb } from './database.ts';
export { DbError, type DbErrorCode } from './errors.ts';
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
export { PrismaClient, Prisma, RunStatus } from './generated/client.ts';
export type { Image, NoisePreset, Run, RunImage, Frame } from './generated/client.ts';

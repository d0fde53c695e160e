// Uploaded images, one row per distinct content (sha256).
import type { Connection, ImageRecord } from '@latent-lab/domain';
import { DbError } from './errors.ts';
import { prismaOf, type DbClient } from './client.ts';
import { findByIds, inWorkspace } from './lookups.ts';
import { newestFirstPage, type PageArgs } from './pagination.ts';
import { isForeignKeyViolation, isUniqueViolation, isUuid } from './prisma-errors.ts';

/** An image row to add: the record without what the database assigns (sha256 is lower-case hex). */
export type NewImage = Omit<ImageRecord, 'id' | 'createdAt' | 'thumbnailKey'> & {
  /** Its thumbnail, stored before the row. */
  thumbnailKey?: string | null;
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Returns the image with this sha256, creating it when new; `created` says which happened. */
export async function createOrGetImage(
  client: DbClient,
  input: NewImage,
): Promise<{ image: ImageRecord; created: boolean }> {
  const prisma = prismaOf(client);
  if (!SHA256_HEX.test(input.sha256)) {
    throw new DbError('INVALID_INPUT', 'sha256 must be 64 lower-case hex digits', {
      field: 'sha256',
    });
  }
  const existing = await getImageBySha256(client, input.workspaceId, input.sha256);
  if (existing) return { image: existing, created: false };
  try {
    return { image: await prisma.image.create({ data: input }), created: true };
  } catch (error) {
    // A concurrent upload of the same bytes won the insert.
    if (!isUniqueViolation(error)) throw error;
    const winner = await getImageBySha256(client, input.workspaceId, input.sha256);
    if (!winner) throw error;
    return { image: winner, created: false };
  }
}

/** The image, or null when unknown or (with workspaceId) in another workspace. */
export async function getImage(
  client: DbClient,
  id: string,
  workspaceId?: string,
): Promise<ImageRecord | null> {
  const prisma = prismaOf(client);
  if (!isUuid(id)) return null;
  return prisma.image.findFirst({
    where: { id, ...inWorkspace(workspaceId) },
  });
}

/** Upload deduplication is per workspace. */
export function getImageBySha256(
  client: DbClient,
  workspaceId: string,
  sha256: string,
): Promise<ImageRecord | null> {
  const prisma = prismaOf(client);
  return prisma.image.findUnique({ where: { workspaceId_sha256: { workspaceId, sha256 } } });
}

/** Newest first. */
export async function listImages(
  client: DbClient,
  workspaceId: string,
  args: PageArgs = {},
): Promise<Connection<ImageRecord>> {
  const prisma = prismaOf(client);
  return newestFirstPage(
    { workspaceId },
    args,
    (query) => prisma.image.findMany(query),
    (query) => prisma.image.count(query),
  );
}

/** Many images in one query, in no particular order (for batch loaders). */
export async function getImages(
  client: DbClient,
  ids: readonly string[],
  workspaceId?: string,
): Promise<ImageRecord[]> {
  return findByIds(ids, (validIds) =>
    prismaOf(client).image.findMany({
      where: { id: { in: validIds }, ...inWorkspace(workspaceId) },
    }),
  );
}

/** How many runs use the image as a keyframe. */
export function countRunsUsingImage(client: DbClient, imageId: string): Promise<number> {
  const prisma = prismaOf(client);
  if (!isUuid(imageId)) return Promise.resolve(0);
  return prisma.run.count({ where: { keyframes: { some: { imageId } } } });
}

/** Deletes an image no run uses and returns it (the caller deletes the stored file). */
export async function deleteImage(
  client: DbClient,
  id: string,
  workspaceId: string,
): Promise<ImageRecord> {
  const prisma = prismaOf(client);
  const image = await getImage(client, id, workspaceId);
  if (!image) throw new DbError('NOT_FOUND', `image ${id} not found`, { field: 'id' });
  const inUse = await countRunsUsingImage(client, id);
  if (inUse > 0) throw imageInUse(image, inUse);
  try {
    await prisma.image.delete({ where: { id } });
  } catch (error) {
    // A run created meanwhile holds it: the foreign key refuses the delete.
    if (isForeignKeyViolation(error)) throw imageInUse(image, 1, error);
    throw error;
  }
  return image;
}

function imageInUse(image: ImageRecord, runs: number, cause?: unknown): DbError {
  return new DbError(
    'IMAGE_IN_USE',
    `${JSON.stringify(image.originalName)} is a keyframe of ${runs} run${runs === 1 ? '' : 's'}; delete ${runs === 1 ? 'that run' : 'those runs'} first`,
    { cause, field: 'id' },
  );
}

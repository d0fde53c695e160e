import { createHash } from 'node:crypto';
import {
  createOrGetImage,
  deleteImage,
  getImage,
  getImageBySha256,
  getImages,
  listImages,
  releaseStorage,
  reserveStorage,
  type DbClient,
} from '@latent-lab/db';
import {
  authorize,
  authorizeEdit,
  checkPage,
  DomainError,
  imageKey,
  imageThumbKey,
  invalidInput,
  notFound,
  type Actor,
  type Connection,
  type ImageRecord,
  type PageArgs,
} from '@latent-lab/domain';
import {
  EngineError,
  ImageTooLargeError,
  imageThumbnail,
  inspectImage,
  type ImageInfo,
  type ImageLimits,
} from '@latent-lab/engine';
import type { Storage } from '@latent-lab/storage';

/** An uploaded file as the edge received it: its name and its bytes as a stream. */
export interface UploadedFile {
  filename: string;
  stream: AsyncIterable<Uint8Array>;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    'too-large',
    'PAYLOAD_TOO_LARGE',
    `file is larger than the upload limit of ${maxBytes} bytes`,
    { field: 'file' },
  );
}

// The formats the dashboard's file picker offers (its `accept`): the engine reads more, but the
// same list is named everywhere a person is told what to upload.
const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

const SUPPORTED = 'PNG, JPEG or WebP';

/**
 * The engine's refusal in words for the person uploading: the decoder's own text ("VipsJpeg: ...")
 * says nothing to them. An image over the pixel limit carries its numbers (the dashboard writes
 * them with thousands separators).
 */
function uploadRefusal(filename: string, error: EngineError): DomainError {
  const file = `file ${JSON.stringify(filename)}`;
  if (!(error instanceof ImageTooLargeError)) return notReadable(file);
  const { width, height, maxPixels } = error;
  return new DomainError(
    'invalid',
    'INVALID_INPUT',
    `${file} is ${width}x${height} = ${width * height} pixels, over the pixel limit of ${maxPixels}`,
    { field: 'file', details: { width, height, maxPixels } },
  );
}

function notReadable(file: string): DomainError {
  return invalidInput(
    'file',
    `${file} could not be read: it is damaged (truncated or corrupt) or not a supported image (${SUPPORTED})`,
  );
}

/** A reservation outlives any upload's file writes; one left by a crashed process lapses then. */
const RESERVATION_TTL_MS = 10 * 60 * 1000;

/** Reads the upload into memory, refusing it as soon as it passes maxBytes. */
async function readUpload(file: UploadedFile, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of file.stream) {
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    // graphql-upload cuts the stream at its own limit and reports 413.
    if (error instanceof DomainError) throw error;
    if ((error as { status?: number }).status === 413) throw tooLarge(maxBytes);
    throw invalidInput('file', `file could not be read: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks);
}

export interface ImageServiceOptions extends ImageLimits {
  maxUploadBytes: number;
  maxPageSize: number;
  maxStorageBytes: number;
  /** Counts uploads per session or token. */
  limitMutation: (actor: Actor) => Promise<void>;
}

export class ImageService {
  constructor(
    private readonly db: DbClient,
    private readonly storage: Storage,
    private readonly limits: ImageServiceOptions,
  ) {}

  list(actor: Actor, page: PageArgs): Promise<Connection<ImageRecord>> {
    authorize(actor, 'read');
    return listImages(this.db, actor.workspaceId, checkPage(page, this.limits.maxPageSize));
  }

  get(actor: Actor, id: string): Promise<ImageRecord | null> {
    authorize(actor, 'read');
    return getImage(this.db, id, actor.workspaceId);
  }

  /** Many images of the actor's workspace in one query, in no particular order. */
  getMany(actor: Actor, ids: readonly string[]): Promise<ImageRecord[]> {
    authorize(actor, 'read');
    return getImages(this.db, ids, actor.workspaceId);
  }

  /**
   * Validates the bytes fully before anything is stored; identical bytes are stored once per
   * workspace (another workspace's uploads are never matched, so none can learn of them).
   */
  async upload(
    actor: Actor,
    file: UploadedFile,
  ): Promise<{ image: ImageRecord; created: boolean }> {
    authorize(actor, 'create');
    await this.limits.limitMutation(actor);
    const bytes = await readUpload(file, this.limits.maxUploadBytes);
    if (bytes.byteLength === 0) throw invalidInput('file', 'file is empty');
    let info;
    try {
      info = await inspectImage(bytes, this.limits);
    } catch (error) {
      if (error instanceof EngineError) throw uploadRefusal(file.filename, error);
      throw error;
    }
    if (!Object.hasOwn(EXTENSIONS, info.mimeType))
      throw notReadable(`file ${JSON.stringify(file.filename)}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await getImageBySha256(this.db, actor.workspaceId, sha256);
    if (existing) return { image: existing, created: false };
    // Claimed before any file is written, so uploads sent together never pass the quota.
    const reservation = await reserveStorage(this.db, {
      workspaceId: actor.workspaceId,
      bytes: bytes.byteLength,
      maxBytes: this.limits.maxStorageBytes,
      ttlMs: RESERVATION_TTL_MS,
    });
    try {
      return await this.store(actor, file, bytes, sha256, info);
    } finally {
      await releaseStorage(this.db, reservation);
    }
  }

  /** Writes the files, then the row; nothing stays stored when the row cannot be added. */
  private async store(
    actor: Actor,
    file: UploadedFile,
    bytes: Buffer,
    sha256: string,
    info: ImageInfo,
  ): Promise<{ image: ImageRecord; created: boolean }> {
    const storageKey = imageKey(
      actor.workspaceId,
      sha256,
      EXTENSIONS[info.mimeType] ?? info.format,
    );
    // The library's and the run view's small WebP, made once here (sharp works off the event loop).
    const thumbnailKey = imageThumbKey(actor.workspaceId, sha256);
    const thumbnail = await imageThumbnail(bytes, this.limits);
    try {
      await Promise.all([
        this.storage.put(storageKey, bytes),
        this.storage.put(thumbnailKey, thumbnail),
      ]);
      return await createOrGetImage(this.db, {
        workspaceId: actor.workspaceId,
        createdById: actor.userId,
        sha256,
        originalName: file.filename.slice(0, 255) || 'upload',
        mimeType: info.mimeType,
        width: info.width,
        height: info.height,
        byteSize: bytes.byteLength,
        storageKey,
        thumbnailKey,
      });
    } catch (error) {
      // Nothing stays stored for a failed upload, unless a concurrent upload of the same bytes owns the file.
      if (!(await getImageBySha256(this.db, actor.workspaceId, sha256)))
        await Promise.all([this.storage.delete(storageKey), this.storage.delete(thumbnailKey)]);
      throw error;
    }
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    const found = await this.get(actor, id);
    if (!found) throw notFound('image', id);
    authorizeEdit(actor, found.createdById);
    const image = await deleteImage(this.db, id, actor.workspaceId);
    await Promise.all([
      this.storage.delete(image.storageKey),
      ...(image.thumbnailKey ? [this.storage.delete(image.thumbnailKey)] : []),
    ]);
    return true;
  }
}

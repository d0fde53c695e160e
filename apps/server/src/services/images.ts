import { createHash } from 'node:crypto';
import {
  createOrGetImage,
  deleteImage,
  getImage,
  getImageBySha256,
  getImages,
  listImages,
  type DbClient,
} from '@latent-lab/db';
import {
  checkPage,
  DomainError,
  imageKey,
  imageThumbKey,
  invalidInput,
  type Connection,
  type ImageRecord,
  type PageArgs,
} from '@latent-lab/domain';
import { EngineError, imageThumbnail, inspectImage, type ImageLimits } from '@latent-lab/engine';
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

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
};

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

export class ImageService {
  constructor(
    private readonly db: DbClient,
    private readonly storage: Storage,
    private readonly limits: ImageLimits & { maxUploadBytes: number; maxPageSize: number },
  ) {}

  list(page: PageArgs): Promise<Connection<ImageRecord>> {
    return listImages(this.db, checkPage(page, this.limits.maxPageSize));
  }

  get(id: string): Promise<ImageRecord | null> {
    return getImage(this.db, id);
  }

  /** Many images in one query, in no particular order. */
  getMany(ids: readonly string[]): Promise<ImageRecord[]> {
    return getImages(this.db, ids);
  }

  /** Validates the bytes fully before anything is stored; identical bytes are stored once. */
  async upload(file: UploadedFile): Promise<{ image: ImageRecord; created: boolean }> {
    const bytes = await readUpload(file, this.limits.maxUploadBytes);
    if (bytes.byteLength === 0) throw invalidInput('file', 'file is empty');
    let info;
    try {
      info = await inspectImage(bytes, this.limits);
    } catch (error) {
      if (error instanceof EngineError)
        throw invalidInput('file', `file ${JSON.stringify(file.filename)}: ${error.message}`);
      throw error;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await getImageBySha256(this.db, sha256);
    if (existing) return { image: existing, created: false };
    const storageKey = imageKey(sha256, EXTENSIONS[info.mimeType] ?? info.format);
    // The library's and the run view's small WebP, made once here (sharp works off the event loop).
    const thumbnailKey = imageThumbKey(sha256);
    const thumbnail = await imageThumbnail(bytes, this.limits);
    await Promise.all([
      this.storage.put(storageKey, bytes),
      this.storage.put(thumbnailKey, thumbnail),
    ]);
    try {
      return await createOrGetImage(this.db, {
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
      if (!(await getImageBySha256(this.db, sha256)))
        await Promise.all([this.storage.delete(storageKey), this.storage.delete(thumbnailKey)]);
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const image = await deleteImage(this.db, id);
    await Promise.all([
      this.storage.delete(image.storageKey),
      ...(image.thumbnailKey ? [this.storage.delete(image.thumbnailKey)] : []),
    ]);
    return true;
  }
}

import { createHash } from 'node:crypto';
import {
  createOrGetImage,
  deleteImage,
  getImage,
  getImageBySha256,
  listImages,
  type PrismaClient,
} from '@latent-lab/db';
import { EngineError, inspectImage, type ImageLimits } from '@latent-lab/engine';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type { ImageApi, PageArgs } from '../graphql/context.ts';
import { ApiError, badInput } from '../graphql/errors.ts';
import type { Image, ImageConnection, UploadImagePayload } from '../graphql/types.ts';
import type { Storage } from '../storage/storage.ts';
import { imageView } from './views.ts';

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
};

/** Reads the upload into memory; graphql-upload cuts the stream at maxUploadBytes and reports it. */
async function readUpload(file: FileUpload, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of file.createReadStream()) {
      const buffer = chunk as Buffer;
      total += buffer.byteLength;
      if (total > maxBytes) break;
      chunks.push(buffer);
    }
  } catch (error) {
    if ((error as { status?: number }).status === 413) {
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `file is larger than the upload limit of ${maxBytes} bytes`,
        'file',
      );
    }
    throw badInput('file', `file could not be read: ${(error as Error).message}`);
  }
  if (total > maxBytes) {
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `file is larger than the upload limit of ${maxBytes} bytes`,
      'file',
    );
  }
  return Buffer.concat(chunks);
}

export class ImageService implements ImageApi {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage: Storage,
    private readonly limits: ImageLimits & { maxUploadBytes: number },
  ) {}

  async list(page: PageArgs): Promise<ImageConnection> {
    const connection = await listImages(this.prisma, page);
    return { ...connection, nodes: connection.nodes.map(imageView) };
  }

  async get(id: string): Promise<Image | null> {
    const image = await getImage(this.prisma, id);
    return image ? imageView(image) : null;
  }

  /** Validates the bytes fully before anything is stored; identical bytes are stored once. */
  async upload(file: FileUpload): Promise<UploadImagePayload> {
    const bytes = await readUpload(file, this.limits.maxUploadBytes);
    if (bytes.byteLength === 0) throw badInput('file', 'file is empty');
    let info;
    try {
      info = await inspectImage(bytes, this.limits);
    } catch (error) {
      if (error instanceof EngineError)
        throw badInput('file', `file ${JSON.stringify(file.filename)}: ${error.message}`);
      throw error;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await getImageBySha256(this.prisma, sha256);
    if (existing) return { image: imageView(existing), created: false };
    const storageKey = `images/${sha256.slice(0, 2)}/${sha256}.${EXTENSIONS[info.mimeType] ?? info.format}`;
    await this.storage.put(storageKey, bytes);
    try {
      const { image, created } = await createOrGetImage(this.prisma, {
        sha256,
        originalName: file.filename.slice(0, 255) || 'upload',
        mimeType: info.mimeType,
        width: info.width,
        height: info.height,
        byteSize: bytes.byteLength,
        storageKey,
      });
      return { image: imageView(image), created };
    } catch (error) {
      // Nothing stays stored for a failed upload, unless a concurrent upload of the same bytes owns the file.
      if (!(await getImageBySha256(this.prisma, sha256))) await this.storage.delete(storageKey);
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const image = await deleteImage(this.prisma, id);
    await this.storage.delete(image.storageKey);
    return true;
  }
}

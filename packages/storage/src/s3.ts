import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertStorageKey } from '@latent-lab/domain';
import type { Storage } from './storage.ts';

/** How to reach one bucket of an S3-compatible object store (AWS S3, MinIO, R2, Ceph, s3rver). */
export interface S3StorageOptions {
  bucket: string;
  /** e.g. "us-east-1"; S3-compatible servers accept any value. */
  region: string;
  /** Base URL of an S3-compatible server (http://minio:9000); unset = AWS S3 for the region. */
  endpoint?: string;
  /**
   * Base URL written into presigned URLs, when clients reach the store under another name than
   * this process does (the API talks to http://minio:9000, browsers to https://files.example.com).
   * Defaults to `endpoint`.
   */
  publicEndpoint?: string;
  /** Path-style URLs (<endpoint>/<bucket>/<key>): needed by MinIO and s3rver, not by AWS. */
  forcePathStyle: boolean;
  /** Static keys; unset = the SDK's default chain (environment, profile, instance role, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * 'when-required' (default) sends request checksums only where S3 requires one and validates
   * response checksums only when asked: what every S3-compatible server understands.
   * 'when-supported' is the SDK's own default (CRC32 on every upload), for AWS S3 and servers that
   * implement the flexible checksums.
   */
  checksums?: 'when-required' | 'when-supported';
  /**
   * A request fails once its connection has been silent this long, while waiting for the answer
   * or while its body arrives (default 60 s). Without it, a connection that stalls mid-body leaves
   * the read waiting forever: the SDK's retries end when the headers arrive.
   */
  socketTimeoutMs?: number;
}

export interface PresignOptions {
  /** Lifetime of the URL in seconds (1 to 604800, S3's limit of a week). */
  expiresIn: number;
  /** Sent back as the response's Content-Disposition, e.g. `attachment; filename="run.zip"`. */
  contentDisposition?: string;
  /** Overrides the stored Content-Type in the response. */
  contentType?: string;
  /** Sent back as the response's Cache-Control. */
  cacheControl?: string;
  /** Signing time; the URL expires `expiresIn` seconds after it. Default: now. */
  signedAt?: Date;
}

/** Objects up to this size go up in one PutObject; larger ones as a multipart upload. */
const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;
const DEFAULT_SOCKET_TIMEOUT_MS = 60_000;
const CONNECTION_TIMEOUT_MS = 10_000;
/**
 * Tries of one get(): a body cut off or stalled after the headers (a connection reset, a server
 * that restarts) is read again. The SDK retries a request only until its headers arrive.
 */
const GET_ATTEMPTS = 3;

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  zip: 'application/zip',
  json: 'application/json',
};

/** Content-Type stored with an object, from the key's extension. */
export function contentTypeOf(key: string): string {
  const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** A missing key, as opposed to a missing bucket or any other failure. */
function isMissingKey(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || (name === 'NotFound' && statusOf(error) === 404);
}

/**
 * Storage in an S3 bucket: the key is the object key. Keys are validated exactly as by the local
 * folder, so both stores accept the same keys and layouts.
 */
export class S3Storage implements Storage {
  readonly bucket: string;
  readonly client: S3Client;
  /** Signs presigned URLs for `publicEndpoint`; the same client when there is none. */
  private readonly presignClient: S3Client;

  constructor(options: S3StorageOptions) {
    if (!options.bucket) throw new TypeError('S3Storage needs a bucket name');
    this.bucket = options.bucket;
    const checksums = options.checksums === 'when-supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    const config = (endpoint: string | undefined): S3ClientConfig => ({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      requestHandler: {
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
      },
      ...(endpoint ? { endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    this.client = new S3Client(config(options.endpoint));
    this.presignClient =
      options.publicEndpoint && options.publicEndpoint !== options.endpoint
        ? new S3Client(config(options.publicEndpoint))
        : this.client;
  }

  /** Throws unless the bucket exists and these credentials reach it (for start-up checks). */
  async checkBucket(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    assertStorageKey(key);
    const params = { Bucket: this.bucket, Key: key, Body: data, ContentType: contentTypeOf(key) };
    if (data.byteLength <= MULTIPART_THRESHOLD) {
      await this.client.send(new PutObjectCommand({ ...params, ContentLength: data.byteLength }));
      return;
    }
    // Parts are uploaded 4 at a time; a failed upload is aborted, so no parts are left behind.
    await new Upload({ client: this.client, params, partSize: PART_SIZE, queueSize: 4 }).done();
  }

  async get(key: string): Promise<Buffer | undefined> {
    assertStorageKey(key);
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (error) {
        if (isMissingKey(error)) return undefined;
        throw error;
      }
      try {
        // A body that ends before its Content-Length rejects here (Node's 'aborted').
        const bytes = await response.Body!.transformToByteArray();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if (attempt >= GET_ATTEMPTS) throw error;
      }
    }
  }

  async stream(key: string): Promise<{ body: Readable; size: number } | undefined> {
    assertStorageKey(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      // In Node the body is the HTTP response itself (an IncomingMessage), read as it arrives.
      return { body: response.Body as Readable, size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    // S3 answers 204 for a key that does not exist, so deleting twice is fine.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deleteFolder(prefix: string): Promise<void> {
    assertStorageKey(prefix);
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: DELETE_BATCH },
      { Bucket: this.bucket, Prefix: `${prefix}/` },
    );
    for await (const page of pages) {
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      for (let start = 0; start < keys.length; start += DELETE_BATCH) {
        const batch = keys.slice(start, start + DELETE_BATCH);
        const response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = response.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new Error(
            `could not delete ${failed.length} of ${batch.length} objects under "${prefix}/" ` +
              `(${first.Key}: ${first.Code} ${first.Message})`,
          );
        }
      }
    }
  }

  async exists(key: string): Promise<boolean> {
    assertStorageKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissingKey(error)) return false;
      throw error;
    }
  }

  /**
   * A presigned GET URL that anyone holding it can fetch until it expires. It is signed locally
   * (no request to the store), so it does not check that the key exists.
   */
  async presignGet(key: string, options: PresignOptions): Promise<string> {
    assertStorageKey(key);
    if (!Number.isInteger(options.expiresIn) || options.expiresIn < 1) {
      throw new RangeError('expiresIn must be a whole number of seconds, at least 1');
    }
    if (options.expiresIn > 604800) throw new RangeError('expiresIn must be at most 604800 s');
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: options.contentDisposition,
      ResponseContentType: options.contentType,
      ResponseCacheControl: options.cacheControl,
    });
    return getSignedUrl(this.presignClient, command, {
      expiresIn: options.expiresIn,
      ...(options.signedAt ? { signingDate: options.signedAt } : {}),
    });
  }

  /** Closes the HTTP connections the clients keep alive. */
  close(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }
}

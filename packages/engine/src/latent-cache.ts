import { latentKey } from '@latent-lab/domain';
import type { LatentCache } from './pipeline.ts';
import type { Tensor4 } from './types.ts';

/** Byte storage by key: the server's Storage (local folder or S3) and the CLI's folder both fit. */
export interface BlobStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

// The one latent file format: four little-endian uint32 (the NCHW shape), then little-endian float32.
const HEADER_BYTES = 16;

export function encodeLatent(latent: Tensor4): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + latent.data.length * 4);
  const view = new DataView(bytes.buffer);
  latent.shape.forEach((size, i) => view.setUint32(i * 4, size, true));
  latent.data.forEach((value, i) => view.setFloat32(HEADER_BYTES + i * 4, value, true));
  return bytes;
}

/** undefined for bytes that are not a whole latent file (a torn or foreign file is a cache miss). */
export function decodeLatent(bytes: Uint8Array): Tensor4 | undefined {
  if (bytes.byteLength < HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = [0, 1, 2, 3].map((i) => view.getUint32(i * 4, true)) as [
    number,
    number,
    number,
    number,
  ];
  const count = shape[0] * shape[1] * shape[2] * shape[3];
  if (bytes.byteLength !== HEADER_BYTES + count * 4) return undefined;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(HEADER_BYTES + i * 4, true);
  return { data, shape };
}

/** The latent cache of the CLI and the server: one format, kept in any BlobStore. */
export class BlobLatentCache implements LatentCache {
  private readonly store: BlobStore;

  constructor(store: BlobStore) {
    this.store = store;
  }

  async get(cacheKey: string): Promise<Tensor4 | undefined> {
    const bytes = await this.store.get(latentKey(cacheKey));
    return bytes ? decodeLatent(bytes) : undefined;
  }

  async set(cacheKey: string, latent: Tensor4): Promise<void> {
    await this.store.put(latentKey(cacheKey), encodeLatent(latent));
  }
}

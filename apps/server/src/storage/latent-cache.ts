import type { LatentCache, Tensor4 } from '@latent-lab/engine';
import type { Storage } from './storage.ts';

// File layout: 4 little-endian uint32 (the NCHW shape), then the float32 values.
const HEADER_BYTES = 16;

/** Engine latent cache over Storage: a keyframe is encoded once per (sha256, model, size, fit). */
export class StorageLatentCache implements LatentCache {
  constructor(private readonly storage: Storage) {}

  private key(cacheKey: string): string {
    return `latents/${cacheKey.replace(/[^A-Za-z0-9._/-]/g, '_')}.f32`;
  }

  async get(cacheKey: string): Promise<Tensor4 | undefined> {
    const bytes = await this.storage.get(this.key(cacheKey));
    if (!bytes || bytes.byteLength < HEADER_BYTES) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shape = [0, 1, 2, 3].map((i) => view.getUint32(i * 4, true)) as [
      number,
      number,
      number,
      number,
    ];
    const count = shape[0] * shape[1] * shape[2] * shape[3];
    if (bytes.byteLength !== HEADER_BYTES + count * 4) return undefined;
    // Copy into an aligned buffer: Buffer slices may start at any offset.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(HEADER_BYTES));
    return { data, shape };
  }

  async set(cacheKey: string, latent: Tensor4): Promise<void> {
    const bytes = new Uint8Array(HEADER_BYTES + latent.data.byteLength);
    const view = new DataView(bytes.buffer);
    latent.shape.forEach((size, i) => view.setUint32(i * 4, size, true));
    bytes.set(
      new Uint8Array(latent.data.buffer, latent.data.byteOffset, latent.data.byteLength),
      HEADER_BYTES,
    );
    await this.storage.put(this.key(cacheKey), bytes);
  }
}

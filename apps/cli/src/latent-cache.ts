import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LatentCache, Tensor4 } from '@latent-lab/engine';

/**
 * Keeps encoded latents as files so a repeated CLI run never encodes the same image twice.
 * File layout: four little-endian int32 (the NCHW shape) followed by the float32 data.
 */
export class DirectoryLatentCache implements LatentCache {
  constructor(private readonly dir: string) {}

  async get(key: string): Promise<Tensor4 | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(key));
    } catch {
      return undefined;
    }
    const header = new Int32Array(bytes.buffer, bytes.byteOffset, 4);
    const [n, c, h, w] = [header[0]!, header[1]!, header[2]!, header[3]!];
    if (bytes.byteLength !== 16 + n * c * h * w * 4) return undefined;
    const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 16, bytes.byteOffset + bytes.byteLength),
    );
    return { data, shape: [n, c, h, w] };
  }

  async set(key: string, latent: Tensor4): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(
      temporary,
      Buffer.concat([
        Buffer.from(new Int32Array(latent.shape).buffer),
        Buffer.from(latent.data.buffer, latent.data.byteOffset, latent.data.byteLength),
      ]),
    );
    await rename(temporary, path);
  }

  private path(key: string): string {
    return join(this.dir, `${key}.latent`);
  }
}

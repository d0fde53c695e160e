import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { assertStorageKey } from '@latent-lab/domain';

/**
 * Where upload, frame and latent bytes live, addressed by key ("images/ab/<sha>.png").
 * Callers only see keys, so an S3-compatible store can replace the local folder.
 */
export interface Storage {
  put(key: string, data: Uint8Array): Promise<void>;
  /** undefined when the key does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** undefined when the key does not exist. */
  stream(key: string): Promise<{ body: Readable; size: number } | undefined>;
  delete(key: string): Promise<void>;
  /** Deletes every key under the folder "<prefix>/". */
  deleteFolder(prefix: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** No such file; a folder (EISDIR) is not a key either, as in an object store. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** Storage in a local folder. Writes go to a temporary file first, so a crash never leaves half a file. */
export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  private path(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, data);
    await rename(temporary, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async stream(key: string): Promise<{ body: Readable; size: number } | undefined> {
    const path = this.path(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      return { body: createReadStream(path), size: info.size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await rm(path, { force: true });
    await this.removeEmptyParents(path);
  }

  async deleteFolder(prefix: string): Promise<void> {
    const path = this.path(prefix);
    await rm(path, { recursive: true, force: true });
    await this.removeEmptyParents(path);
  }

  /** Folders exist only as key prefixes, as in a bucket: one left empty is removed, up to the root. */
  private async removeEmptyParents(path: string): Promise<void> {
    for (let folder = dirname(path); relative(this.root, folder) !== ''; folder = dirname(folder)) {
      try {
        await rmdir(folder);
      } catch {
        return; // not empty (or already gone): the folders above are in use too
      }
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}

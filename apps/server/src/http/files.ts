import { extname } from 'node:path';
import { StorageKeyError } from '@latent-lab/domain';
import type { Storage } from '@latent-lab/storage';
import type { Request, Response } from 'express';
import type { RequestAccess } from './access.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/**
 * GET /files/<key>: only image types are served, so latents and anything else under the storage
 * root stay private, and only to a member of the owning workspace or the holder of a URL the API
 * signed. Stored keys never change content (content-addressed or per-run), so they cache forever.
 */
export function serveFiles(storage: Storage, access: RequestAccess) {
  return async (request: Request, response: Response): Promise<void> => {
    const parts = (request.params as { key?: string | string[] }).key;
    const key = Array.isArray(parts) ? parts.join('/') : (parts ?? '');
    const type = CONTENT_TYPES[extname(key).toLowerCase()];
    if (!type) {
      response.status(404).type('text/plain').send('not found');
      return;
    }
    const reader = await access.reader(
      request,
      `/files/${key}`,
      request.query as Record<string, unknown>,
      await access.workspaceOfKey(key),
    );
    if (typeof reader === 'number') {
      response
        .status(reader)
        .type('text/plain')
        .send(reader === 401 ? 'sign in first' : 'not found');
      return;
    }
    let file: Awaited<ReturnType<Storage['stream']>>;
    try {
      file = await storage.stream(key);
    } catch (error) {
      if (error instanceof StorageKeyError) {
        response.status(404).type('text/plain').send('not found');
        return;
      }
      throw error;
    }
    if (!file) {
      response.status(404).type('text/plain').send('not found');
      return;
    }
    response.set({
      'Content-Type': type,
      'Content-Length': String(file.size),
      // Private: only members (or holders of a signed URL) may read it.
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    file.body.pipe(response);
  };
}

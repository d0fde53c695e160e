import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@latent-lab/domain';
import type { NextFunction, Request, Response } from 'express';
import { HTTP_STATUSES } from '../error-codes.ts';
import { isDownloadFile, type DownloadService } from '../services/downloads.ts';
import type { RequestAccess } from './access.ts';

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * GET /runs/:id/(frames.zip|animation.webp|animation.gif|contact-sheet.png). Any other file name
 * falls through (the dashboard owns /runs/:id).
 */
export function serveDownloads(downloads: DownloadService, access: RequestAccess) {
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const { id, file } = request.params as { id: string; file: string };
    if (!isDownloadFile(file)) {
      next();
      return;
    }
    const query = request.query as Record<string, unknown>;
    const reader = await access.reader(
      request,
      `/runs/${id}/${file}`,
      query,
      await access.workspaceOfRun(id),
    );
    if (typeof reader === 'number') {
      response
        .status(reader)
        .json({ error: reader === 401 ? 'sign in first' : `run ${id} not found` });
      return;
    }
    let download;
    try {
      download = await downloads.prepare(reader, id, file, query);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'internal') throw error;
      response.status(HTTP_STATUSES[error.kind]).json({ error: error.message });
      return;
    }
    response.attachment(download.downloadName);
    response.set('X-Content-Type-Options', 'nosniff');
    if (download.etag === null) {
      // Frames are still coming: built fresh every time.
      response.set('Cache-Control', 'no-store');
    } else {
      response.set({ ETag: download.etag, 'Cache-Control': 'private, no-cache' });
      // Compared here, not with req.fresh: fetch() adds Cache-Control: no-cache to a conditional
      // request, which makes req.fresh false.
      if (matchesEtag(request.get('If-None-Match'), download.etag)) {
        response.status(304).end();
        return;
      }
    }
    const { body, size } = await download.open();
    if (size !== undefined) response.set('Content-Length', String(size));
    await pipeline(Readable.from(body), response);
  };
}

import type { IncomingMessage } from 'node:http';
import { DomainError, frameKeyRun, imageKeyWorkspace, type Actor } from '@latent-lab/domain';
import type { Services } from '../graphql/context.ts';
import { credentialOf, workspaceHeader } from '../request-auth.ts';
import type { Identity } from '../services/accounts.ts';
import type { UrlSigner } from '../signed-urls.ts';

/** Why a file or download request is refused: no credentials at all, or not this member's. */
export type Refusal = 401 | 404;

/**
 * Who may fetch what over plain HTTP (files and downloads): whoever holds a URL the API signed,
 * or a signed-in member of the workspace that owns it. Anyone else learns nothing: 404.
 */
export class RequestAccess {
  constructor(
    private readonly services: Services,
    private readonly urls: UrlSigner,
  ) {}

  async identity(request: IncomingMessage): Promise<Identity | null> {
    const secret = credentialOf(request.headers);
    return secret ? this.services.accounts.identify(secret) : null;
  }

  /** The actor reading from `workspaceId`, or why not. */
  async reader(
    request: IncomingMessage,
    path: string,
    query: Record<string, unknown>,
    workspaceId: string | null,
  ): Promise<Actor | Refusal> {
    if (this.urls.verify(path, query)) {
      // The API handed this URL to a member: it reads as a viewer of that workspace (gone: 404).
      if (!workspaceId) return 404;
      return {
        userId: 'signed-url',
        workspaceId,
        role: 'VIEWER',
        via: 'token',
        credentialId: path,
      };
    }
    const identity = await this.identity(request);
    if (!identity) return 401;
    if (!workspaceId) return 404;
    try {
      const actor = await this.services.accounts.actor(identity, workspaceId);
      return actor ?? 404;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'forbidden') return 404;
      throw error;
    }
  }

  /** The workspace that owns a stored file, from its key (an image's, or a run's frame). */
  async workspaceOfKey(key: string): Promise<string | null> {
    const image = imageKeyWorkspace(key);
    if (image) return image;
    const runId = frameKeyRun(key);
    return runId ? this.services.runs.workspaceOf(runId) : null;
  }

  workspaceOfRun(runId: string): Promise<string | null> {
    return this.services.runs.workspaceOf(runId);
  }

  /** X-Workspace-Id of a request. */
  workspaceHeader(request: IncomingMessage): string | null {
    return workspaceHeader(request.headers);
  }
}

// What the data-layer tests share: a matcher for DbErrors, a test sha256, an id no row has, the
// workspace scope rows are made in, and the input of an image row and of a run's parameters.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { before } from 'node:test';
import type { RunParams } from '@latent-lab/domain';
import {
  createUser,
  createWorkspace,
  DbError,
  type DbClient,
  type DbErrorCode,
} from '../src/index.ts';

export const MISSING_ID = '00000000-0000-0000-0000-000000000000';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** For assert.rejects: a DbError with this code (and field). */
export function dbError(code: DbErrorCode, field?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof DbError, `expected a DbError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (field) assert.equal(error.field, field);
    return true;
  };
}

/** The workspace (and its member who creates the rows) a test's rows belong to. */
export interface Scope {
  workspaceId: string;
  createdById: string;
}

/** A new user, with an address of their own. */
export async function addUser(prisma: DbClient, label: string) {
  return createUser(prisma, {
    email: `${label}-${randomUUID()}@example.com`,
    name: label,
    passwordHash: 'not-a-real-hash',
  });
}

/** A new user owning a new workspace. */
export async function addScope(prisma: DbClient, label: string): Promise<Scope> {
  const user = await addUser(prisma, label);
  const workspace = await createWorkspace(prisma, { name: label, ownerId: user.id });
  return { workspaceId: workspace.id, createdById: user.id };
}

/** The scope a describe block's rows are made in: made by its before hook. */
export function suiteScope(prisma: () => DbClient, label: string): () => Scope {
  let scope: Scope | undefined;
  before(async () => {
    scope = await addScope(prisma(), label);
  });
  return () => {
    if (!scope) throw new Error('the workspace is not created yet');
    return scope;
  };
}

/** createOrGetImage's input for a 1000-byte PNG named after `label`, whose bytes (sha256) it stands for. */
export function imageInput(scope: Scope, label: string) {
  return {
    ...scope,
    sha256: sha256(label),
    originalName: `${label}.png`,
    mimeType: 'image/png',
    width: 64,
    height: 64,
    byteSize: 1000,
    storageKey: `images/${sha256(label)}.png`,
  };
}

/** Run parameters as the domain schema would hand them over (already validated). */
export function runParams(keyframes: string[], overrides: Partial<RunParams> = {}): RunParams {
  return {
    model: 'taef2',
    keyframes,
    steps: 8,
    method: 'slerp',
    easing: 'linear',
    spacing: 'uniform',
    width: 128,
    height: 128,
    fit: 'cover',
    precision: 'fp32',
    noise: { level: 0.1, mode: 'absolute', schedule: 'constant', shared: false },
    seed: 42,
    animation: { fps: 10, loop: 'loop' },
    ...overrides,
  };
}

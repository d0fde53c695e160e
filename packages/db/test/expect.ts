// What the data-layer tests share: a matcher for DbErrors, a test sha256, an id no row has, and the
// workspace scope rows are made in.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DbError, type DbErrorCode } from '../src/index.ts';

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

import { DomainError, type ErrorKind } from '@latent-lab/domain';

const KINDS = {
  NOT_FOUND: 'not-found',
  DUPLICATE_NAME: 'conflict',
  BUILTIN_PRESET: 'forbidden',
  IMAGE_IN_USE: 'conflict',
  INVALID_INPUT: 'invalid',
  INVALID_CURSOR: 'invalid',
  STATUS_CONFLICT: 'conflict',
  /** A frame arrived for a run that is no longer RUNNING (canceled, finished, deleted). */
  RUN_NOT_RUNNING: 'conflict',
  /** A workspace would be left without an owner. */
  LAST_OWNER: 'conflict',
  MIGRATION_FAILED: 'internal',
  /** A workspace quota (active runs, storage) would be passed; details carry used and limit. */
  QUOTA_EXCEEDED: 'quota',
  /** Under SIGNUP_POLICY=first-user, an account after the first needs an invitation. */
  SIGNUP_CLOSED: 'forbidden',
  INVITATION_INVALID: 'invalid',
  /** The person a run was created by no longer holds the right to create runs in its workspace. */
  CREATOR_NOT_ALLOWED: 'forbidden',
} as const satisfies Record<string, ErrorKind>;

export type DbErrorCode = keyof typeof KINDS;

/** A data-layer failure: a domain error with the data layer's own stable codes. */
export class DbError extends DomainError {
  override readonly name = 'DbError';
  declare readonly code: DbErrorCode;

  constructor(
    code: DbErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string; details?: Record<string, number> },
  ) {
    super(KINDS[code], code, message, options);
  }
}

/**
 * What kind of failure a domain error is. The edges translate kinds, never specific codes: GraphQL
 * error codes and HTTP statuses come from one table per edge.
 */
export type ErrorKind =
  /** The caller sent something wrong: fix the named field. */
  | 'invalid'
  | 'not-found'
  /** The request is valid but the current state refuses it (in use, duplicate, already finished). */
  | 'conflict'
  /** No credentials, or credentials that are not (or no longer) valid. */
  | 'unauthenticated'
  | 'forbidden'
  | 'too-large'
  /** Too many requests (sign-ins, uploads, runs) in a window; the message says when to retry. */
  | 'rate-limited'
  /** A workspace quota (active runs, storage) is used up; the message gives the numbers. */
  | 'quota'
  /** Something the server needs is missing (model weights). */
  | 'unavailable'
  | 'internal';

export interface FieldIssue {
  /** The input field at fault, as the caller named it ("steps", "noise.level"). */
  field: string;
  message: string;
}

/**
 * A failure reported on purpose: a kind for the edges, a stable code for programs, a message a
 * person understands, and the field at fault where there is one (every field when several are).
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  readonly field: string | undefined;
  readonly issues: readonly FieldIssue[];
  /** Numbers a program acts on: a quota's used and limit, a rate limit's retryAfterSeconds. */
  readonly details: Readonly<Record<string, number>>;
  /** A finer cause a client acts on where the kind alone does not tell it (`NOT_A_MEMBER`). */
  readonly reason: string | undefined;
  readonly kind: ErrorKind;
  readonly code: string;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: {
      field?: string;
      issues?: readonly FieldIssue[];
      cause?: unknown;
      details?: Record<string, number>;
      reason?: string;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = code;
    this.field = options.field ?? options.issues?.[0]?.field;
    this.issues = options.issues ?? (this.field ? [{ field: this.field, message }] : []);
    this.details = options.details ?? {};
    this.reason = options.reason;
  }
}

/** Bad input in one field; the message names the field so it reads on its own. */
export function invalidInput(field: string, message: string): DomainError {
  const text = message.includes(field) ? message : `${field}: ${message}`;
  return new DomainError('invalid', 'INVALID_INPUT', text, { field });
}

export function notFound(what: string, id: string, field = 'id'): DomainError {
  return new DomainError('not-found', 'NOT_FOUND', `${what} ${id} not found`, { field });
}

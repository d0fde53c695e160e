export type DbErrorCode =
  | 'NOT_FOUND'
  | 'DUPLICATE_NAME'
  | 'BUILTIN_PRESET'
  | 'IMAGE_IN_USE'
  | 'INVALID_INPUT'
  | 'INVALID_CURSOR'
  | 'STATUS_CONFLICT'
  | 'MIGRATION_FAILED';

/** A data-layer failure with a stable code the API maps to its own errors. */
export class DbError extends Error {
  override readonly name = 'DbError';
  /** The input field at fault, when one is. */
  readonly field: string | undefined;

  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options);
    this.field = options?.field;
  }
}

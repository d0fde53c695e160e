import { DbError } from '@latent-lab/db';
import { EngineError } from '@latent-lab/engine';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'WEIGHTS_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** An error meant for the client: a stable code and, for bad input, the field at fault. */
export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, field?: string) {
    super(message, { extensions: field ? { code, field } : { code } });
  }
}

/** The message always names the field, so a person reading only the message knows what to fix. */
export function badInput(field: string, message: string): ApiError {
  return new ApiError(
    'BAD_USER_INPUT',
    message.includes(field) ? message : `${field}: ${message}`,
    field,
  );
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError('NOT_FOUND', `${what} ${id} not found`, 'id');
}

// Partial: a code added later falls back to INTERNAL_SERVER_ERROR instead of breaking the build.
const ENGINE_CODES: Partial<Record<EngineError['code'], ApiErrorCode>> = {
  INVALID_OPTION: 'BAD_USER_INPUT',
  UNKNOWN_MODEL: 'BAD_USER_INPUT',
  INVALID_IMAGE: 'BAD_USER_INPUT',
  IMAGE_TOO_LARGE: 'BAD_USER_INPUT',
  WEIGHTS_UNAVAILABLE: 'WEIGHTS_UNAVAILABLE',
  CHECKSUM_MISMATCH: 'WEIGHTS_UNAVAILABLE',
  UNSAFE_CHECKPOINT: 'WEIGHTS_UNAVAILABLE',
  INVALID_CHECKPOINT: 'WEIGHTS_UNAVAILABLE',
  INVALID_MANIFEST: 'INTERNAL_SERVER_ERROR',
};

const DB_CODES: Partial<Record<DbError['code'], ApiErrorCode>> = {
  NOT_FOUND: 'NOT_FOUND',
  DUPLICATE_NAME: 'CONFLICT',
  IMAGE_IN_USE: 'CONFLICT',
  BUILTIN_PRESET: 'FORBIDDEN',
  INVALID_INPUT: 'BAD_USER_INPUT',
  INVALID_CURSOR: 'BAD_USER_INPUT',
  MIGRATION_FAILED: 'INTERNAL_SERVER_ERROR',
  STATUS_CONFLICT: 'CONFLICT',
};

/** Engine and database errors become ApiErrors; anything else is unexpected and returns undefined. */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof EngineError) {
    const field = error.field ?? (error.code === 'UNKNOWN_MODEL' ? 'model' : undefined);
    return new ApiError(ENGINE_CODES[error.code] ?? 'INTERNAL_SERVER_ERROR', error.message, field);
  }
  if (error instanceof DbError) {
    const code = DB_CODES[error.code] ?? 'INTERNAL_SERVER_ERROR';
    if (code === 'BAD_USER_INPUT' && error.field) return badInput(error.field, error.message);
    return new ApiError(code, error.message, error.field);
  }
  return undefined;
}

/**
 * One formatter for HTTP (Apollo formatError) and WebSocket (graphql-ws): known errors keep their
 * code and message; GraphQL's own errors (syntax, validation) pass through; unexpected errors are
 * reported to onUnexpected and reach the client without internals.
 */
export function formatApiError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onUnexpected: (error: unknown) => void,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const known = toApiError(original);
  if (known) {
    return {
      message: known.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: known.extensions,
    };
  }
  if (original instanceof GraphQLError) return formatted;
  onUnexpected(original);
  return {
    message: 'internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

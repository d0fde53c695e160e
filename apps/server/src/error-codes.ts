import type { ErrorKind } from '@latent-lab/domain';

// The one translation of domain error kinds for the edges: GraphQL error codes and HTTP statuses.

export const GRAPHQL_CODES: Record<ErrorKind, string> = {
  invalid: 'BAD_USER_INPUT',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  'too-large': 'PAYLOAD_TOO_LARGE',
  'rate-limited': 'RATE_LIMITED',
  quota: 'QUOTA_EXCEEDED',
  unavailable: 'WEIGHTS_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
};

export const HTTP_STATUSES: Record<ErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  'too-large': 413,
  'rate-limited': 429,
  quota: 403,
  unavailable: 503,
  internal: 500,
};

/** The API's names for domain fields where they differ (the API says imageIds, the domain keyframes). */
const API_FIELDS: Record<string, string> = {
  keyframes: 'imageIds',
  'base.keyframes': 'base.imageIds',
};

export function apiField(field: string): string {
  return API_FIELDS[field] ?? field;
}

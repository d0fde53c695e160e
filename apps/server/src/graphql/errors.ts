import { DomainError } from '@latent-lab/domain';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { apiField, GRAPHQL_CODES } from '../error-codes.ts';

const GRAPHQL_USER_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'QUERY_TOO_COSTLY',
]);

function isUserFacingCode(code: unknown): boolean {
  return typeof code === 'string' && GRAPHQL_USER_CODES.has(code);
}

/** The message names the field as the API spells it, so a person reading only it knows what to fix. */
function namingField(message: string, domainField: string): string {
  const field = apiField(domainField);
  if (message.startsWith(`${domainField}: `))
    return `${field}: ${message.slice(domainField.length + 2)}`;
  return message.includes(field) ? message : `${field}: ${message}`;
}

/** A domain error as the client sees it: a code, the field at fault, and every field when several are. */
export function toGraphQLError(error: DomainError): GraphQLError {
  // Bad input names its field in the message (the old convention of this API); other kinds read as they are.
  const name = (message: string, domainField: string) =>
    error.kind === 'invalid' ? namingField(message, domainField) : message;
  const issues = error.issues.map((issue) => ({
    field: apiField(issue.field),
    message: name(issue.message, issue.field),
  }));
  const field = error.field === undefined ? undefined : apiField(error.field);
  const message =
    issues.length === 1
      ? issues[0]!.message
      : error.field
        ? name(error.message, error.field)
        : error.message;
  return new GraphQLError(message, {
    extensions: {
      code: GRAPHQL_CODES[error.kind],
      ...(field ? { field } : {}),
      ...(issues.length > 1 ? { issues } : {}),
      ...(error.reason ? { reason: error.reason } : {}),
      ...error.details,
    },
  });
}

/**
 * One formatter for HTTP (Apollo formatError) and WebSocket (graphql-ws): domain errors keep their
 * code and message; GraphQL's own errors (syntax, validation) pass through; unexpected errors are
 * reported to onUnexpected and reach the client without internals.
 */
export function formatApiError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onUnexpected: (error: unknown) => void,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError && original.kind !== 'internal') {
    const known = toGraphQLError(original);
    return {
      message: known.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: known.extensions,
    };
  }
  // GraphQL's own errors (syntax, validation, variable coercion) are the client's to read.
  if (original instanceof GraphQLError || isUserFacingCode(formatted.extensions?.['code'])) {
    return formatted;
  }
  onUnexpected(original);
  return {
    message: 'internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { GraphQLError, ParseOptions, ValidationContext, ValidationRule } from 'graphql';

// The same limits on HTTP and WebSocket: graphql-ws does not run Apollo's validation rules.
export const MAX_QUERY_DEPTH = 10;
export const MAX_ALIASES = 15;
export const MAX_TOKENS = 2000;
/** JSON request bodies and WebSocket messages. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const parseOptions: ParseOptions = { maxTokens: MAX_TOKENS };

/** A rejection becomes an ordinary validation error instead of an exception thrown out of validate(). */
const reportRejection = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => context?.reportError(error),
  ],
};

export const limitRules: ValidationRule[] = [
  maxDepthRule({ n: MAX_QUERY_DEPTH, ignoreIntrospection: true, ...reportRejection }),
  maxAliasesRule({ n: MAX_ALIASES, ...reportRejection }),
];

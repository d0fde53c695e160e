import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ParseOptions, ValidationRule } from 'graphql';

// The same limits on HTTP and WebSocket: graphql-ws does not run Apollo's validation rules.
export const MAX_QUERY_DEPTH = 10;
export const MAX_ALIASES = 15;
export const MAX_TOKENS = 2000;
/** JSON request bodies and WebSocket messages. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const parseOptions: ParseOptions = { maxTokens: MAX_TOKENS };

export const limitRules: ValidationRule[] = [
  maxDepthRule({ n: MAX_QUERY_DEPTH, ignoreIntrospection: true, propagateOnRejection: true }),
  maxAliasesRule({ n: MAX_ALIASES, propagateOnRejection: true }),
];

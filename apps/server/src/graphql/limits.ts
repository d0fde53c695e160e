import { createRequire } from 'node:module';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { MAX_KEYFRAMES } from '@latent-lab/domain';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isLeafType,
  isListType,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type * as QueryComplexity from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';

// graphql-query-complexity's ESM build imports graphql/index.mjs, a second copy of graphql next to
// the CommonJS one everything else here uses ("Cannot use GraphQLObjectType from another realm"):
// its CommonJS build shares our copy.
const { getComplexity } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof QueryComplexity;

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

/**
 * Expected list lengths of list fields without a `first` argument; a field not listed counts as
 * one item. Lists with `first` count `first` items.
 */
const LIST_SIZES: Record<string, number> = {
  'Run.keyframes': MAX_KEYFRAMES,
  'Run.thumbnails': 3,
  'Query.noisePresets': 50,
  'Query.models': 10,
};

/**
 * The cost of an operation is the number of objects it can return: every object field counts one
 * per item, scalars count nothing, and a list multiplies what is inside it by its length. Fifteen
 * aliases of runs(first: 100) { nodes { frames { nodes { ... } } } } cost about 150,000.
 */
const objectCountEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (isLeafType(getNamedType(field.type))) return 0;
  const first = args['first'];
  const items =
    typeof first === 'number'
      ? Math.max(first, 0)
      : isListType(getNullableType(field.type))
        ? (LIST_SIZES[`${type.name}.${field.name}`] ?? 1)
        : 1;
  return items * (1 + childComplexity);
};

/** A refusal, or null: the same check on HTTP (an Apollo plugin) and on the WebSocket. */
export function checkQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  maxCost: number,
): GraphQLError | null {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [objectCountEstimator],
    });
  } catch {
    // Variables that do not coerce: execution refuses them with GraphQL's own, precise error.
    return null;
  }
  if (cost <= maxCost) return null;
  return new GraphQLError(
    `query cost ${cost} is over the limit of ${maxCost}: ask for fewer items per list (first) or fewer aliases`,
    { extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost } },
  );
}

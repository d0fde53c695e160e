import { GraphQLScalarType, Kind } from 'graphql';

/**
 * A run seed, 0 to 2^32-1 (the CLI's range; GraphQL's Int stops at 2^31-1). Any number passes
 * coercion so that the run schema reports a bad one with its field and the allowed range.
 */
export const Seed = new GraphQLScalarType<number, number>({
  name: 'Seed',
  description: 'An integer from 0 to 4294967295 (2^32-1); the same seed gives identical frames',
  serialize: (value) => value as number,
  parseValue(value) {
    if (typeof value !== 'number') throw new TypeError('seed must be a number');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT)
      throw new TypeError('seed must be a number');
    return Number(ast.value);
  },
});

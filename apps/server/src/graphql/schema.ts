import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { resolvers } from './resolvers.ts';

/**
 * Every subscription here brings its own `subscribe` (events come from the database's
 * LISTEN/NOTIFY bus), so type-graphql's topic-based PubSub is never used; buildSchema still
 * requires one to be configured.
 */
const unusedTopicPubSub = {
  publish(): void {
    throw new Error('topic-based PubSub is not used: subscriptions define subscribe()');
  },
  subscribe(): never {
    throw new Error('topic-based PubSub is not used: subscriptions define subscribe()');
  },
};

let built: Promise<GraphQLSchema> | undefined;

/** The schema is built once per process: type-graphql keeps its metadata globally. */
export function graphqlSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers, validate: false, pubSub: unusedTopicPubSub });
  return built;
}

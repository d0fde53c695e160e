// @latent-lab/server: the run service (GraphQL API, durable jobs, live per-frame subscriptions).
export { startServer, type RunningServer } from './server.ts';
export { graphqlSchema } from './graphql/schema.ts';

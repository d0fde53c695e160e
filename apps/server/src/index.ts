// @latent-lab/server: the run service (GraphQL API, durable jobs, live per-frame subscriptions).
export { startServer, type RunningServer } from './server.ts';
export {
  loadConfig,
  ConfigError,
  SERVER_ENV,
  ENGINE_ENV,
  type ServerConfig,
  type ServerEnvName,
} from './config.ts';
export { graphqlSchema } from './graphql/schema.ts';
export { LocalStorage, type Storage } from './storage/storage.ts';
export { S3Storage, type S3StorageOptions, type PresignOptions } from './storage/s3.ts';

import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AuthSettings } from '@latent-lab/config';
import type { Storage } from '@latent-lab/storage';
import type { EventBus } from '../events/bus.ts';
import { createContext, type GraphQLContext, type Services } from '../graphql/context.ts';
import { formatApiError } from '../graphql/errors.ts';
import { checkQueryCost, limitRules, MAX_BODY_BYTES, parseOptions } from '../graphql/limits.ts';
import { requestOrigin, sessionCookie } from '../request-auth.ts';
import type { UrlSigner } from '../signed-urls.ts';
import { RequestAccess } from './access.ts';
import { serveWebSockets } from './websocket.ts';
import { loadDashboard } from './dashboard.ts';
import { serveDownloads } from './downloads.ts';
import { serveFiles } from './files.ts';

export interface HttpOptions {
  schema: GraphQLSchema;
  services: Services;
  urls: UrlSigner;
  bus: EventBus;
  auth: AuthSettings;
  storage: Storage;
  log: Logger;
  maxUploadBytes: number;
  /** Largest estimated cost of one operation (graphql/limits.ts). */
  maxQueryCost: number;
  serveDashboard: boolean;
  /** Extra facts for /health (database mode, worker). */
  health: () => Promise<Record<string, unknown>>;
}

export interface HttpStack {
  server: Server;
  /** Stops accepting, ends subscriptions and waits for requests in flight. */
  stop(): Promise<void>;
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** express with /graphql (HTTP + WebSocket on the same port), /files, /health and the dashboard. */
export async function createHttpStack(options: HttpOptions): Promise<HttpStack> {
  const { schema, services, log } = options;
  const app = express();
  app.disable('x-powered-by');
  const server = createServer(app);
  const onUnexpected = (error: unknown) =>
    log.error({ err: error }, 'unexpected error in a GraphQL operation');

  const sockets = serveWebSockets({
    server,
    schema,
    services,
    urls: options.urls,
    bus: options.bus,
    allowedOrigins: options.auth.allowedOrigins,
    maxQueryCost: options.maxQueryCost,
    onUnexpected,
  });
  const access = new RequestAccess(services, options.urls);

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    csrfPrevention: true,
    // The entry points own SIGINT/SIGTERM and close everything in order; Apollo's own handler
    // would stop the server underneath them and leave that shutdown hanging.
    stopOnTerminationSignals: false,
    // Clients get the message and code; stack traces stay in the server log.
    includeStacktraceInErrorResponses: false,
    parseOptions,
    validationRules: limitRules,
    formatError: (formatted, error) => formatApiError(formatted, error, onUnexpected),
    logger: {
      debug: (message) => log.debug(message),
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        // After validation, before any resolver runs: a refused operation costs no database work.
        async requestDidStart() {
          return {
            async didResolveOperation({ request, document }) {
              const tooCostly = checkQueryCost(
                schema,
                document,
                request.variables,
                request.operationName,
                options.maxQueryCost,
              );
              if (tooCostly) {
                throw new GraphQLError(tooCostly.message, {
                  extensions: { ...tooCostly.extensions, http: { status: 400 } },
                });
              }
            },
          };
        },
      },
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await sockets.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger: log,
      // Health probes and the dashboard's static assets would drown the API requests.
      autoLogging: {
        ignore: (request) => request.url === '/health' || !!request.url?.startsWith('/_next/'),
      },
      // Method, URL and id are what an operator reads; headers stay out of the logs.
      serializers: {
        req: (request: { id: unknown; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: request.url,
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
    }),
  );
  app.get('/health', async (_request, response) => {
    response.json({ status: 'ok', ...(await options.health()) });
  });
  app.get('/files/*key', serveFiles(options.storage, access));
  app.get('/runs/:id/:file', serveDownloads(services.downloads, access));
  app.use(
    '/graphql',
    // JSON answers (a page of the history is tens of KB) are compressed when the client accepts it.
    compression(),
    express.json({ limit: MAX_BODY_BYTES }),
    graphqlUploadExpress({
      maxFileSize: options.maxUploadBytes,
      maxFiles: 1,
      maxFieldSize: MAX_BODY_BYTES,
    }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const secure = req.secure;
        return createContext(services, options.urls, {
          identity: await access.identity(req),
          workspaceId: access.workspaceHeader(req),
          address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          origin: requestOrigin(req.headers, secure),
          setSession: (token) =>
            res.append('Set-Cookie', sessionCookie(token, options.auth.sessionDays, secure)),
        });
      },
    }),
  );
  const dashboard = await loadDashboard(options.serveDashboard, log);
  app.use((request, response, next) => {
    dashboard(request, response).catch(next);
  });
  app.use(
    (
      error: Error & { status?: number; expose?: boolean },
      request: Request,
      response: Response,
      _next: NextFunction,
    ) => {
      const status = error.status ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const code =
        status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status < 500
            ? 'BAD_REQUEST'
            : 'INTERNAL_SERVER_ERROR';
      const message =
        status < 500 && error.expose !== false ? error.message : 'internal server error';
      response.status(status).json(errorBody(message, code));
    },
  );

  return {
    server,
    async stop() {
      await apollo.stop();
    },
  };
}

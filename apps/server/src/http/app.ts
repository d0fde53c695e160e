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
import proxyAddress from 'proxy-addr';
import type { AuthSettings, SocketLimits } from '@latent-lab/config';
import type { Storage } from '@latent-lab/storage';
import type { EventBus } from '../events/bus.ts';
import { createContext, type GraphQLContext, type Services } from '../graphql/context.ts';
import { formatApiError } from '../graphql/errors.ts';
import { checkQueryCost, limitRules, MAX_BODY_BYTES, parseOptions } from '../graphql/limits.ts';
import { redactUrl } from '../log-redaction.ts';
import { sessionCookie } from '../request-auth.ts';
import type { UrlSigner } from '../signed-urls.ts';
import {
  answerProbe,
  LIVENESS_PATH,
  READINESS_PATH,
  type ReadinessChecks,
} from '../health/probes.ts';
import type { Metrics } from '../metrics.ts';
import { traceRequests } from '../tracing.ts';
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
  /** Subscriptions per socket and sockets per user (http/websocket.ts). */
  sockets: SocketLimits;
  serveDashboard: boolean;
  /** Extra facts for /health (database mode, worker). */
  health: () => Promise<Record<string, unknown>>;
  /** /readyz: database, migrations and storage. */
  readiness: ReadinessChecks;
  metrics: Metrics;
}

export interface HttpStack {
  server: Server;
  /** Stops accepting, ends subscriptions and waits for requests in flight. */
  stop(): Promise<void>;
}

/** Paths that probes and scrapers call every few seconds: left out of the request log. */
const PROBE_PATHS = new Set(['/health', LIVENESS_PATH, READINESS_PATH, '/metrics']);

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** express with /graphql (HTTP + WebSocket on the same port), /files, /health and the dashboard. */
export async function createHttpStack(options: HttpOptions): Promise<HttpStack> {
  const { schema, services, log } = options;
  const app = express();
  app.disable('x-powered-by');
  // Behind a configured proxy, req.ip (sign-in limits) and req.secure (the cookie) are the client's.
  app.set('trust proxy', options.auth.trustProxy);
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
    limits: options.sockets,
    // The same trust as req.ip, so sign-in limits on a socket count the client behind the proxy.
    clientAddress: (request) => proxyAddress(request, app.get('trust proxy fn')),
    onUnexpected,
  });
  options.metrics.countSocketsWith(() => sockets.counts());
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
        async requestDidStart() {
          const started = performance.now();
          return {
            async willSendResponse({ operation, errors }) {
              options.metrics.graphqlSeconds.observe(
                {
                  operation: operation?.operation ?? 'invalid',
                  outcome: errors?.length ? 'error' : 'ok',
                },
                (performance.now() - started) / 1000,
              );
            },
          };
        },
      },
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

  app.use(traceRequests);
  app.use((request, response, next) => {
    const started = performance.now();
    response.once('finish', () => {
      // The matched route, never the raw URL, so the label stays bounded.
      const route = request.route
        ? `${request.baseUrl}${String(request.route.path)}`
        : request.baseUrl || 'unmatched';
      options.metrics.httpSeconds.observe(
        { method: request.method, route, status: String(response.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    next();
  });
  app.get('/metrics', async (_request, response) => {
    const { contentType, body } = await options.metrics.scrape();
    response.type(contentType).send(body);
  });
  app.use(
    pinoHttp({
      logger: log,
      // Health probes and the dashboard's static assets would drown the API requests.
      autoLogging: {
        ignore: (request) =>
          PROBE_PATHS.has(request.url ?? '') || !!request.url?.startsWith('/_next/'),
      },
      // Method, URL and id are what an operator reads; headers stay out of the logs, and so do the
      // URL's secrets (invitation tokens, signatures).
      serializers: {
        req: (request: { id: unknown; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.url),
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
    }),
  );
  app.get([LIVENESS_PATH, READINESS_PATH], async (request, response, next) => {
    if (!(await answerProbe(request, response, options.readiness))) next();
  });
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
        // PUBLIC_URL says what people use, even when the proxy in front is not trusted.
        const secure = req.secure || options.auth.publicUrl?.startsWith('https://') === true;
        return createContext(services, options.urls, {
          identity: await access.identity(req),
          workspaceId: access.workspaceHeader(req),
          address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
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

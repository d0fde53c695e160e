import type { IncomingMessage, Server } from 'node:http';
import { DomainError } from '@latent-lab/domain';
import {
  execute,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type GraphQLSchema,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../events/bus.ts';
import { createContext, type RequestAuth, type Services } from '../graphql/context.ts';
import { formatApiError } from '../graphql/errors.ts';
import { checkQueryCost, limitRules, MAX_BODY_BYTES, parseOptions } from '../graphql/limits.ts';
import { credentialOf, requestOrigin } from '../request-auth.ts';
import type { UrlSigner } from '../signed-urls.ts';

export interface WebSocketOptions {
  server: Server;
  schema: GraphQLSchema;
  services: Services;
  urls: UrlSigner;
  bus: EventBus;
  /** Origins besides the server's own whose pages may open a socket. */
  allowedOrigins: readonly string[];
  maxQueryCost: number;
  onUnexpected: (error: unknown) => void;
}

type Extra = { socket: WebSocket; request: IncomingMessage };

/**
 * A page on another site must not use a visitor's cookie to open a socket here: a browser always
 * sends Origin, which must be this server's own or listed in ALLOWED_ORIGINS. Scripts send none.
 */
export function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  const own = [requestOrigin(request.headers, false), requestOrigin(request.headers, true)];
  return own.includes(origin) || allowed.includes(origin);
}

/**
 * GraphQL over WebSocket (graphql-transport-ws) with the same limits and errors as HTTP, and the
 * same identity: connection_init carries { authorization: "Bearer <token>", workspaceId } (or the
 * upgrade request the session cookie). No valid credentials: closed with 4401; a workspace that is
 * not the user's: 4403. A credential revoked or signed out closes its sockets at once (4401).
 */
export function serveWebSockets(options: WebSocketOptions): { dispose(): Promise<void> } {
  const { server, schema, services, urls, bus } = options;
  const wsServer = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: MAX_BODY_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) => originAllowed(req, options.allowedOrigins),
  });
  const auths = new WeakMap<object, RequestAuth>();
  const byCredential = new Map<string, Set<WebSocket>>();
  const unsubscribe = bus.subscribe((event) => {
    if (event.type !== 'revoked') return;
    for (const socket of byCredential.get(event.credentialId) ?? [])
      socket.close(4401, 'Unauthorized');
  });

  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      execute,
      subscribe,
      async onConnect(ctx: Context<Record<string, unknown> | undefined, Extra>) {
        const { socket, request } = ctx.extra;
        const params = ctx.connectionParams ?? {};
        const header = typeof params['authorization'] === 'string' ? params['authorization'] : null;
        const secret = header
          ? credentialOf({ authorization: header })
          : credentialOf({ cookie: request.headers.cookie });
        const identity = secret ? await services.accounts.identify(secret) : null;
        if (!identity) {
          socket.close(4401, 'Unauthorized');
          return false;
        }
        const workspaceId =
          typeof params['workspaceId'] === 'string' ? params['workspaceId'] : null;
        try {
          await services.accounts.actor(identity, workspaceId);
        } catch (error) {
          if (error instanceof DomainError && error.kind === 'forbidden') return false;
          throw error;
        }
        auths.set(ctx, {
          identity,
          workspaceId,
          address: request.socket.remoteAddress ?? 'unknown',
          origin: requestOrigin(request.headers, false),
        });
        const sockets = byCredential.get(identity.credentialId) ?? new Set();
        sockets.add(socket);
        byCredential.set(identity.credentialId, sockets);
        socket.once('close', () => {
          sockets.delete(socket);
          if (sockets.size === 0) byCredential.delete(identity.credentialId);
        });
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, parseOptions);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = validate(schema, document, [...specifiedRules, ...limitRules]);
        if (errors.length > 0) return errors;
        const tooCostly = checkQueryCost(
          schema,
          document,
          payload.variables ?? undefined,
          payload.operationName,
          options.maxQueryCost,
        );
        if (tooCostly) return [tooCostly];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(services, urls, auths.get(ctx)!),
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? {
              ...result,
              errors: result.errors.map((error) =>
                formatApiError(error.toJSON(), error, options.onUnexpected),
              ),
            }
          : undefined,
    },
    wsServer,
  );
  return {
    async dispose() {
      unsubscribe();
      await cleanup.dispose();
    },
  };
}

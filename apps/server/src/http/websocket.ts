import type { IncomingMessage, Server } from 'node:http';
import type { SocketLimits } from '@latent-lab/config';
import { DomainError } from '@latent-lab/domain';
import {
  execute,
  getOperationAST,
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
import { formatApiError, toGraphQLError } from '../graphql/errors.ts';
import { checkQueryCost, limitRules, MAX_BODY_BYTES, parseOptions } from '../graphql/limits.ts';
import { credentialOf, requestOrigin } from '../request-auth.ts';
import type { Identity } from '../services/accounts.ts';
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
  limits: SocketLimits;
  /** The client's address as HTTP requests read it (behind a trusted proxy, the one it names). */
  clientAddress: (request: IncomingMessage) => string;
  onUnexpected: (error: unknown) => void;
}

type Extra = { socket: WebSocket; request: IncomingMessage };

/** Close codes: the credential is no longer valid; no longer allowed in the socket's workspace; one socket too many. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TOO_MANY_SOCKETS = 4429;

/** An authenticated socket: its identity and workspace, re-checked against the database. */
interface OpenSocket {
  socket: WebSocket;
  auth: RequestAuth & { identity: Identity };
}

/** What a re-check found: the credential's identity now, or the code to close its sockets with. */
type Verdict =
  { identity: Identity } | { close: typeof CLOSE_UNAUTHORIZED | typeof CLOSE_FORBIDDEN };

/** Sockets with the same key have the same authority: one credential in one workspace. */
const authorityKey = ({ identity, workspaceId }: OpenSocket['auth']): string =>
  `${identity.via}:${identity.credentialId}:${workspaceId ?? ''}`;

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
 * not the user's: 4403. A session's socket stays in the workspace it started in.
 *
 * Authority is re-checked, not remembered: when a user's access changes (an `access` bus event,
 * from any API process) their sockets are checked against the database and closed with 4401 (the
 * session or token is gone) or 4403 (no longer a member of the socket's workspace); after a LISTEN
 * reconnect every socket is. And before each subscription event is sent the same check runs, so an
 * event published after a revocation is never delivered under it, whichever notification arrives
 * first; one read per credential and workspace serves the events queued before it starts. Each
 * operation on a socket reads the current role (GraphQLContext.actor).
 *
 * Bounded: at most limits.maxSubscriptionsPerSocket operations at once per socket (one more is
 * refused with QUOTA_EXCEEDED) and limits.maxSocketsPerUser open sockets per user in this process
 * (one more is closed with 4429).
 */
export function serveWebSockets(options: WebSocketOptions): {
  /** Open sockets that passed connection_init, and their active subscriptions (metrics). */
  counts(): { sockets: number; subscriptions: number };
  dispose(): Promise<void>;
} {
  const { server, schema, services, urls, bus, limits } = options;
  const wsServer = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: MAX_BODY_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) => originAllowed(req, options.allowedOrigins),
  });
  const opened = new WeakMap<object, OpenSocket>();
  const byUser = new Map<string, Set<OpenSocket>>();

  /** The authority of a socket's credential in its workspace, as the database has it now. */
  const verdictOf = async (auth: OpenSocket['auth']): Promise<Verdict> => {
    const identity = await services.accounts.current(auth.identity);
    if (!identity) return { close: CLOSE_UNAUTHORIZED };
    if (auth.workspaceId) {
      try {
        if (!(await services.accounts.actor(identity, auth.workspaceId)))
          return { close: CLOSE_FORBIDDEN };
      } catch (error) {
        if (!(error instanceof DomainError && error.kind === 'forbidden')) throw error;
        return { close: CLOSE_FORBIDDEN };
      }
    }
    return { identity };
  };
  /** Whether the socket keeps its authority; if not, it is closed with the verdict's code. */
  const apply = (open: OpenSocket, verdict: Verdict): boolean => {
    if ('close' in verdict) {
      open.socket.close(
        verdict.close,
        verdict.close === CLOSE_UNAUTHORIZED ? 'Unauthorized' : 'Forbidden',
      );
      return false;
    }
    open.auth.identity = verdict.identity;
    return true;
  };
  /**
   * Re-checks that have not started yet, by authority. One read serves every event (or access
   * change) queued before it starts on every socket of that credential and workspace, and it reads
   * the database after all of them. The reads waiting start together, so Prisma batches their lookups into one query
   * each (an event fanned out to 50 sockets was 50 reads of a session and 50 of a membership).
   */
  const waiting = new Map<
    string,
    { auth: OpenSocket['auth']; verdict: PromiseWithResolvers<Verdict> }
  >();
  const startWaitingChecks = (): void => {
    const checks = [...waiting.values()];
    waiting.clear();
    for (const { auth, verdict } of checks) verdictOf(auth).then(verdict.resolve, verdict.reject);
  };
  const recheck = async (open: OpenSocket): Promise<boolean> => {
    const key = authorityKey(open.auth);
    let check = waiting.get(key);
    if (!check) {
      if (waiting.size === 0) setImmediate(startWaitingChecks);
      check = { auth: open.auth, verdict: Promise.withResolvers<Verdict>() };
      waiting.set(key, check);
    }
    return apply(open, await check.verdict.promise);
  };
  const recheckAll = (sockets: Iterable<OpenSocket>): void => {
    for (const open of [...sockets]) recheck(open).catch(options.onUnexpected);
  };
  const connected = new Set<Context<Record<string, unknown> | undefined, Extra>>();
  const unsubscribe = bus.subscribe((event) => {
    if (event.type === 'access') recheckAll(byUser.get(event.userId) ?? []);
    // Notifications may have been lost while LISTEN was down: every socket is checked.
    if (event.type === 'resync') recheckAll([...byUser.values()].flatMap((set) => [...set]));
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
          socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        const named = typeof params['workspaceId'] === 'string' ? params['workspaceId'] : null;
        let actor;
        try {
          actor = await services.accounts.actor(identity, named);
        } catch (error) {
          if (error instanceof DomainError && error.kind === 'forbidden') return false;
          throw error;
        }
        // Closed while it was being checked: its close event has passed, so it is never registered.
        if (socket.readyState !== socket.OPEN) return false;
        // Counted and registered with no await between, so sockets opened together cannot all pass.
        const mine = byUser.get(identity.user.id) ?? new Set<OpenSocket>();
        if (mine.size >= limits.maxSocketsPerUser) {
          socket.close(CLOSE_TOO_MANY_SOCKETS, 'Too many sockets');
          return false;
        }
        const open: OpenSocket = {
          socket,
          auth: {
            identity,
            // Pinned: a socket without a workspace named stays in the one it started in.
            workspaceId: actor?.workspaceId ?? named,
            address: options.clientAddress(request),
          },
        };
        opened.set(ctx, open);
        mine.add(open);
        byUser.set(identity.user.id, mine);
        connected.add(ctx);
        socket.once('close', () => {
          connected.delete(ctx);
          mine.delete(open);
          if (mine.size === 0 && byUser.get(identity.user.id) === mine)
            byUser.delete(identity.user.id);
        });
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        // ctx.subscriptions already holds this operation.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          const max = limits.maxSubscriptionsPerSocket;
          return [
            toGraphQLError(
              new DomainError(
                'quota',
                'QUOTA_EXCEEDED',
                `at most ${max} operations run at once on one socket (WS_MAX_SUBSCRIPTIONS): complete one first`,
              ),
            ),
          ];
        }
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
          contextValue: createContext(services, urls, opened.get(ctx)!.auth),
        };
      },
      onNext: async (ctx, _id, _payload, args, result) => {
        // A subscription event is sent only if the socket still has its authority now; once closed,
        // nothing more is sent (graphql-ws skips sending on a socket that is not open).
        if (getOperationAST(args.document, args.operationName)?.operation === 'subscription')
          await recheck(opened.get(ctx)!);
        return result.errors
          ? {
              ...result,
              errors: result.errors.map((error) =>
                formatApiError(error.toJSON(), error, options.onUnexpected),
              ),
            }
          : undefined;
      },
    },
    wsServer,
  );
  return {
    counts: () => {
      let subscriptions = 0;
      for (const ctx of connected) subscriptions += Object.keys(ctx.subscriptions).length;
      return { sockets: connected.size, subscriptions };
    },
    async dispose() {
      unsubscribe();
      await cleanup.dispose();
    },
  };
}

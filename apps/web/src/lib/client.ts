import {
  Client,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type CombinedError,
  type Operation,
  type SSRExchange,
} from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/** Same-origin endpoint: the API server mounts the dashboard, so relative paths reach it. */
export const GRAPHQL_PATH = '/graphql';

/** graphql-ws close codes the API uses: no valid credentials, and a workspace that is not yours. */
export const WS_UNAUTHORIZED = 4401;
export const WS_FORBIDDEN = 4403;

/** Operations that answer UNAUTHENTICATED as part of their job (a wrong password), not a lost session. */
const PUBLIC_OPERATIONS = new Set(['SignIn', 'SignUp', 'Setup', 'Me']);

function websocketUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}

function operationName(operation: Operation): string | undefined {
  for (const definition of operation.query.definitions)
    if (definition.kind === 'OperationDefinition') return definition.name?.value;
  return undefined;
}

export function errorCodes(error: CombinedError | undefined | null): string[] {
  return (error?.graphQLErrors ?? []).map((e) => String(e.extensions?.['code'] ?? ''));
}

export function isUnauthenticated(error: CombinedError | undefined | null): boolean {
  return errorCodes(error).includes('UNAUTHENTICATED');
}

/** The API's word that the workspace is gone for this user (not a role's refusal, also FORBIDDEN). */
export function isWorkspaceGone(error: CombinedError | undefined | null): boolean {
  return (error?.graphQLErrors ?? []).some((e) => e.extensions?.['reason'] === 'NOT_A_MEMBER');
}

export interface BrowserClientOptions {
  /** The current workspace: X-Workspace-Id on HTTP, workspaceId in connection_init. */
  workspaceId: string | null;
  /** The session is gone (signed out elsewhere, expired): the dashboard goes to sign-in. */
  onUnauthenticated: () => void;
  /** The current workspace is no longer the user's (removed, left): pick another. */
  onWorkspaceGone: () => void;
  /** Answers the server already rendered the page with (see shell/server-data.ts). */
  initialData: SSRExchange;
}

export interface BrowserClient {
  client: Client;
  /** Closes the WebSocket (a new client replaces this one on a workspace switch or sign-out). */
  dispose(): void;
}

/**
 * The browser's GraphQL client: queries and mutations over HTTP (File variables become a GraphQL
 * multipart request), subscriptions over graphql-ws on the same origin. The session travels as
 * the HTTP-only cookie (sent with fetch and on the WebSocket upgrade); the workspace as a header.
 * One client per workspace: switching makes a new one, so every query is fetched again.
 */
export function createBrowserClient(options: BrowserClientOptions): BrowserClient {
  const { workspaceId, onUnauthenticated, onWorkspaceGone, initialData } = options;
  const ws: WsClient = createWsClient({
    url: websocketUrl(window.location),
    lazy: true,
    retryAttempts: Infinity,
    connectionParams: () => (workspaceId ? { workspaceId } : {}),
    // A forbidden workspace will not become allowed by retrying.
    shouldRetry: (event) =>
      !(typeof event === 'object' && event !== null && 'code' in event) ||
      (event as { code: number }).code !== WS_FORBIDDEN,
    on: {
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        if (code === WS_UNAUTHORIZED) onUnauthenticated();
        else if (code === WS_FORBIDDEN) onWorkspaceGone();
      },
    },
  });
  const client = new Client({
    url: GRAPHQL_PATH,
    preferGetMethod: false,
    // Apollo's CSRF prevention refuses multipart uploads without a preflight-forcing header.
    fetchOptions: {
      credentials: 'same-origin',
      headers: {
        'Apollo-Require-Preflight': 'true',
        ...(workspaceId ? { 'X-Workspace-Id': workspaceId } : {}),
      },
    },
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error, operation) {
          const name = operationName(operation);
          if (isUnauthenticated(error) && !PUBLIC_OPERATIONS.has(name ?? '')) onUnauthenticated();
          else if (isWorkspaceGone(error)) onWorkspaceGone();
        },
      }),
      initialData,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return {
    client,
    // dispose() awaits a connection in progress, which rejects when the server closed it (4401).
    dispose: () => void Promise.resolve(ws.dispose()).catch(() => {}),
  };
}

/**
 * The client of the server-side render: it answers only what the server already fetched (the
 * session, a page's first data) and fetches nothing itself.
 */
export function createServerRenderClient(initialData: SSRExchange): Client {
  return new Client({ url: GRAPHQL_PATH, exchanges: [cacheExchange, initialData] });
}

import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';

/** Same-origin endpoint: the API server mounts the dashboard, so relative paths reach it. */
export const GRAPHQL_PATH = '/graphql';

function websocketUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}

/**
 * The browser's GraphQL client: queries and mutations over HTTP (File variables become a GraphQL
 * multipart request), subscriptions over graphql-ws on the same origin.
 */
export function createBrowserClient(): Client {
  const ws = createWsClient({
    url: websocketUrl(window.location),
    lazy: true,
    retryAttempts: Infinity,
  });
  return new Client({
    url: GRAPHQL_PATH,
    preferGetMethod: false,
    // Apollo's CSRF prevention refuses multipart uploads without a preflight-forcing header.
    fetchOptions: { headers: { 'Apollo-Require-Preflight': 'true' } },
    exchanges: [
      cacheExchange,
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
}

/**
 * Server-side rendering renders the pages' loading state only: data is fetched in the browser,
 * where the live subscriptions are. A client without exchanges never answers, so nothing is fetched.
 */
export function createServerRenderClient(): Client {
  return new Client({ url: GRAPHQL_PATH, exchanges: [] });
}

// Server components only: the session and a page's first data, fetched from this process's API
// with the visitor's cookies, so the first HTML already shows them (the client's cache starts
// from them, see WithInitialData).
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import {
  Client,
  fetchExchange,
  ssrExchange,
  type AnyVariables,
  type SSRData,
  type TypedDocumentNode,
} from '@urql/core';
import { MeDocument, type MeQuery } from '../gql/graphql.ts';
import { GRAPHQL_PATH } from '../lib/client.ts';
import { API_ORIGIN_HEADER } from '../lib/api-origin.ts';
import { pickWorkspace, WORKSPACE_COOKIE } from '../lib/workspace-store.ts';

/** The dashboard's HTTP-only session cookie (apps/server/src/request-auth.ts). */
const SESSION_COOKIE = 'latent_lab_session';

/**
 * How long the first HTML waits for one of its queries. Past it the page is rendered without that
 * data and the browser fetches it, as it does after any error here: an API that hangs (a locked
 * table, a stalled database) must not hang the page with it.
 */
export const SERVER_FETCH_TIMEOUT_MS = 10_000;

/** Query results for the client's cache, and the workspace they belong to. */
export interface InitialData {
  workspaceId: string | null;
  state: SSRData;
}

export interface ServerSession extends InitialData {
  me: MeQuery['me'];
}

async function prefetch<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  workspaceId: string | null,
): Promise<{ data: Data | undefined; state: SSRData }> {
  const incoming = await headers();
  const origin = incoming.get(API_ORIGIN_HEADER);
  if (!origin) return { data: undefined, state: {} };
  const ssr = ssrExchange({ isClient: false });
  const client = new Client({
    url: `${origin}${GRAPHQL_PATH}`,
    preferGetMethod: false,
    fetchOptions: {
      headers: {
        cookie: incoming.get('cookie') ?? '',
        'Apollo-Require-Preflight': 'true',
        ...(workspaceId ? { 'X-Workspace-Id': workspaceId } : {}),
      },
    },
    exchanges: [ssr, fetchExchange],
    // urql sets its own abort signal on each request, so the deadline joins it here.
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        signal: AbortSignal.any([
          ...(init?.signal ? [init.signal] : []),
          AbortSignal.timeout(SERVER_FETCH_TIMEOUT_MS),
        ]),
      }),
  });
  const result = await client.query(query, variables).toPromise();
  return { data: result.data, state: ssr.extractData() };
}

/**
 * The signed-in user and the workspace the pages show (the browser's choice when still theirs,
 * else their first); null when signed out or on any error: the browser then does as without it.
 * Once per request: the layout and the page share it.
 */
export const serverSession = cache(async (): Promise<ServerSession | null> => {
  const jar = await cookies();
  if (!jar.get(SESSION_COOKIE)) return null;
  const { data, state } = await prefetch(MeDocument, {}, null);
  if (!data) return null;
  const stored = jar.get(WORKSPACE_COOKIE)?.value ?? null;
  return { me: data.me, workspaceId: pickWorkspace(stored, data.me.workspaces), state };
});

/** One query of a page in the session's workspace, for WithInitialData; null without a session. */
export async function pageData<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  variables: (session: ServerSession) => Variables,
): Promise<InitialData | null> {
  const session = await serverSession();
  if (!session?.workspaceId) return null;
  const { state } = await prefetch(query, variables(session), session.workspaceId);
  return { workspaceId: session.workspaceId, state };
}

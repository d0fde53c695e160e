'use client';
import { MeDocument, SetupDocument, SignOutDocument } from '../gql/graphql.ts';
import {
  createContext,
  Fragment,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { Provider, useQuery } from 'urql';
import { ssrExchange } from '@urql/core';
import type { InitialData } from './server-data.ts';
import {
  createBrowserClient,
  createServerRenderClient,
  isUnauthenticated,
  type BrowserClient,
} from '../lib/client.ts';
import { describeError } from '../lib/errors.ts';
import { pickWorkspace, storedWorkspaceId, storeWorkspaceId } from '../lib/workspace-store.ts';
import { isPublicPath, isWorkspaceItemPath } from '../lib/auth-paths.ts';
import { ErrorMessage } from '../components/bits.tsx';
import { CreateWorkspaceForm } from './workspace-forms.tsx';
import {
  ActionsContext,
  SessionContext,
  type Session,
  type SessionActions,
} from './session-context.ts';

export {
  useRole,
  useSession,
  useSessionActions,
  type CurrentWorkspace,
  type Me,
  type Session,
  type SessionActions,
} from './session-context.ts';

function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/**
 * Owns the GraphQL client and the session: signed-out visitors go to sign-in (or, on a fresh
 * installation, to the owner's sign-up), UNAUTHENTICATED anywhere does the same, and the pages
 * render only once the user and their current workspace are known.
 */
export function SessionProvider({
  initial,
  header,
  children,
}: {
  /** The session the server rendered with: null when signed out (the browser finds out). */
  initial: InitialData | null;
  header: ReactNode;
  children: ReactNode;
}) {
  const router = useRouter();
  const [workspaceId, setWorkspaceId] = useState<string | null>(() =>
    initial ? initial.workspaceId : typeof window === 'undefined' ? null : storedWorkspaceId(),
  );
  const [epoch, setEpoch] = useState(0);
  const redirecting = useRef(false);
  const refreshMe = useRef<() => void>(() => {});
  const previous = useRef<BrowserClient | null>(null);
  const routerRef = useRef(router);
  routerRef.current = router;

  const handlers = useRef({
    onUnauthenticated: () => {},
    onWorkspaceGone: () => {},
  });

  const first = useRef(true);
  const { client, initialData } = useMemo(() => {
    // Only the first client starts from the server's answers: later ones are another session or workspace.
    const initialData = ssrExchange({
      isClient: true,
      initialState: first.current ? initial?.state : undefined,
    });
    first.current = false;
    if (typeof window === 'undefined')
      return { client: createServerRenderClient(initialData), initialData };
    previous.current?.dispose();
    const created = createBrowserClient({
      workspaceId,
      onUnauthenticated: () => handlers.current.onUnauthenticated(),
      onWorkspaceGone: () => handlers.current.onWorkspaceGone(),
      initialData,
    });
    previous.current = created;
    return { client: created.client, initialData };
    // epoch is a dependency on purpose: a new session gets a new client; initial is read once, by
    // the first client.
  }, [workspaceId, epoch]);
  const restore = useMemo(
    () => ({
      workspaceId,
      restore: (state: InitialData['state']) => initialData.restoreData(state),
    }),
    [workspaceId, initialData],
  );

  handlers.current = {
    onUnauthenticated() {
      if (redirecting.current || isPublicPath(window.location.pathname)) return;
      redirecting.current = true;
      void client
        .query(SetupDocument, {}, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          const next = currentPath();
          routerRef.current.replace(
            result.data?.setup.needsOwner
              ? '/setup'
              : `/sign-in${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`,
          );
          setEpoch((e) => e + 1);
        })
        .finally(() => {
          redirecting.current = false;
        });
    },
    onWorkspaceGone() {
      refreshMe.current();
    },
  };

  const actions = useMemo<SessionActions>(
    () => ({
      switchWorkspace(id) {
        storeWorkspaceId(id);
        setWorkspaceId(id);
        if (isWorkspaceItemPath(window.location.pathname)) routerRef.current.push('/');
      },
      signedIn(id) {
        if (id) {
          storeWorkspaceId(id);
          setWorkspaceId(id);
        }
        setEpoch((e) => e + 1);
      },
      async signOut() {
        await client.mutation(SignOutDocument, {}).toPromise();
        setEpoch((e) => e + 1);
        routerRef.current.replace('/sign-in');
      },
      refresh() {
        refreshMe.current();
      },
    }),
    [client],
  );

  const pick = useCallback((id: string) => {
    storeWorkspaceId(id);
    setWorkspaceId(id);
  }, []);
  const setRefresh = useCallback((refresh: () => void) => {
    refreshMe.current = refresh;
  }, []);
  const unauthenticated = useCallback(() => handlers.current.onUnauthenticated(), []);

  return (
    <Provider value={client}>
      <InitialDataContext.Provider value={restore}>
        <ActionsContext.Provider value={actions}>
          <SessionGate
            workspaceId={workspaceId}
            onPick={pick}
            onRefreshReady={setRefresh}
            onUnauthenticated={unauthenticated}
            header={header}
          >
            {children}
          </SessionGate>
        </ActionsContext.Provider>
      </InitialDataContext.Provider>
    </Provider>
  );
}

const InitialDataContext = createContext<{
  workspaceId: string | null;
  restore: (state: InitialData['state']) => void;
} | null>(null);

/**
 * A page's first data as the server fetched it: its queries answer from it at once (in the
 * server's HTML too), then as usual. Data of another workspace than the shown one is dropped.
 */
export function WithInitialData({
  initial,
  children,
}: {
  initial: InitialData | null;
  children: ReactNode;
}) {
  const target = useContext(InitialDataContext);
  // Once, before the children's first render (their queries read it then).
  useState(() => {
    if (initial && target && initial.workspaceId === target.workspaceId)
      target.restore(initial.state);
  });
  return children;
}

function SessionGate({
  workspaceId,
  onPick,
  onRefreshReady,
  onUnauthenticated,
  header,
  children,
}: {
  workspaceId: string | null;
  onPick: (id: string) => void;
  onRefreshReady: (refresh: () => void) => void;
  onUnauthenticated: () => void;
  header: ReactNode;
  children: ReactNode;
}) {
  const pathname = usePathname() ?? '/';
  const publicPage = isPublicPath(pathname);
  const [me, refetch] = useQuery({
    query: MeDocument,
    // Not network-only: the server's answer (initial) comes through the cache exchanges.
    requestPolicy: 'cache-and-network',
    pause: publicPage,
  });
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  useEffect(() => onRefreshReady(refresh), [onRefreshReady, refresh]);

  const signedOut = isUnauthenticated(me.error);
  useEffect(() => {
    if (signedOut && !publicPage) onUnauthenticated();
  }, [signedOut, publicPage, onUnauthenticated]);

  // Only an answer of the current client counts: a stale one would undo a switch just made.
  const workspaces = me.fetching || me.stale ? undefined : me.data?.me.workspaces;
  const chosen = workspaces ? pickWorkspace(workspaceId, workspaces) : null;
  useEffect(() => {
    if (chosen && chosen !== workspaceId) onPick(chosen);
  }, [chosen, workspaceId, onPick]);

  const current = me.data?.me.workspaces.find((w) => w.id === workspaceId);
  const session = useMemo<Session | null>(
    () => (me.data && current ? { me: me.data.me, workspace: current } : null),
    [me.data, current],
  );

  let main: ReactNode;
  if (publicPage) main = children;
  else if (me.error && !signedOut) main = <ErrorMessage message={describeError(me.error)} />;
  else if (signedOut) main = <p className="muted">Signing in is needed…</p>;
  else if (!me.data) main = <p className="muted">Loading…</p>;
  else if (me.data.me.workspaces.length === 0)
    main = (
      <div className="panel narrow">
        <h1>No workspace yet</h1>
        <p>
          You belong to no workspace: open an invitation link from a workspace admin, or create a
          workspace of your own.
        </p>
        <CreateWorkspaceForm />
      </div>
    );
  else if (!session) main = <p className="muted">Loading…</p>;
  else main = <Fragment key={session.workspace.id}>{children}</Fragment>;

  return (
    <SessionContext.Provider value={publicPage ? null : session}>
      {header}
      <main id="main" className="page">
        {main}
      </main>
    </SessionContext.Provider>
  );
}

'use client';
import { MeDocument, SetupDocument, SignOutDocument } from '../gql/graphql.ts';
import { Fragment, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { Provider, useQuery } from 'urql';
import type { Client } from '@urql/core';
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
export function SessionProvider({ header, children }: { header: ReactNode; children: ReactNode }) {
  const router = useRouter();
  const [workspaceId, setWorkspaceId] = useState<string | null>(() =>
    typeof window === 'undefined' ? null : storedWorkspaceId(),
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

  const client: Client = useMemo(() => {
    if (typeof window === 'undefined') return createServerRenderClient();
    previous.current?.dispose();
    const created = createBrowserClient({
      workspaceId,
      onUnauthenticated: () => handlers.current.onUnauthenticated(),
      onWorkspaceGone: () => handlers.current.onWorkspaceGone(),
    });
    previous.current = created;
    return created.client;
    // epoch is a dependency on purpose: a new session gets a new client.
  }, [workspaceId, epoch]);

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
    </Provider>
  );
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
    requestPolicy: 'network-only',
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

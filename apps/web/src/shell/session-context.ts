'use client';
import { createContext, useContext } from 'react';
import type { MeQuery as MeResult, Role } from '../gql/graphql.ts';

// The session's contexts and hooks, apart from the provider so that forms the provider renders can
// use them without an import cycle.

export type Me = MeResult['me'];
export interface CurrentWorkspace {
  id: string;
  name: string;
  role: Role;
}

export interface Session {
  me: Me;
  workspace: CurrentWorkspace;
}

export interface SessionActions {
  /** Makes another of the user's workspaces current: a new client, so everything is fetched again. */
  switchWorkspace(id: string): void;
  /** After signing in or up: a fresh client (and cache) with the new session cookie. */
  signedIn(workspaceId?: string): void;
  signOut(): Promise<void>;
  /** Fetches `me` again (a workspace created, joined or left). */
  refresh(): void;
}

export const SessionContext = createContext<Session | null>(null);
export const ActionsContext = createContext<SessionActions | null>(null);

/** The signed-in user and current workspace; null on the sign-in pages and while loading. */
export function useSession(): Session | null {
  return useContext(SessionContext);
}

/** The current user's role in the current workspace (null when not known). */
export function useRole(): Role | null {
  return useContext(SessionContext)?.workspace.role ?? null;
}

export function useSessionActions(): SessionActions {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('useSessionActions outside SessionProvider');
  return actions;
}

'use client';
import type { ReactNode } from 'react';
import { SessionProvider } from './session.tsx';
import type { InitialData } from './server-data.ts';

/** The GraphQL client and the session around the header and the page. */
export function GraphQLProvider({
  initial,
  header,
  children,
}: {
  initial: InitialData | null;
  header: ReactNode;
  children: ReactNode;
}) {
  return (
    <SessionProvider initial={initial} header={header}>
      {children}
    </SessionProvider>
  );
}

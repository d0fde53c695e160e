'use client';
import type { ReactNode } from 'react';
import { SessionProvider } from './session.tsx';

/** The GraphQL client and the session around the header and the page. */
export function GraphQLProvider({ header, children }: { header: ReactNode; children: ReactNode }) {
  return <SessionProvider header={header}>{children}</SessionProvider>;
}

'use client';
import { useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createBrowserClient, createServerRenderClient } from '../lib/client.ts';

export function GraphQLProvider({ children }: { children: ReactNode }) {
  const [client] = useState(() =>
    typeof window === 'undefined' ? createServerRenderClient() : createBrowserClient(),
  );
  return <Provider value={client}>{children}</Provider>;
}

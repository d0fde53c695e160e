'use client';
import type { ReactNode } from 'react';
import { canCreate, ROLE_LABELS } from '../lib/roles.ts';
import { useRole } from './session.tsx';

/** The children for roles that create (members and above); a plain sentence for viewers. */
export function RequireCreate({ what, children }: { what: string; children: ReactNode }) {
  const role = useRole();
  if (!role) return null;
  if (canCreate(role)) return <>{children}</>;
  return (
    <div className="panel">
      <h1>{what}</h1>
      <p data-testid="read-only-notice">
        Your role in this workspace ({ROLE_LABELS[role].toLowerCase()}) can look at runs but not
        start them. Ask an admin for the member role.
      </p>
    </div>
  );
}

'use client';
import { useId, useRef, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { canCreate } from '../lib/roles.ts';
import { useRole, useSession, useSessionActions } from './session.tsx';
import { WorkspaceSwitcher } from './workspace-forms.tsx';

const LINKS = [
  { href: '/', label: 'Runs' },
  { href: '/runs/new', label: 'New run', creates: true },
  { href: '/sweeps', label: 'Sweeps' },
  { href: '/compare', label: 'Compare' },
  { href: '/reports', label: 'Reports' },
  { href: '/presets', label: 'Presets' },
  { href: '/images', label: 'Images' },
  { href: '/members', label: 'Members' },
  { href: '/tokens', label: 'API tokens' },
] as const;

function isActive(pathname: string, href: string): boolean {
  if (href === '/')
    return pathname === '/' || (pathname.startsWith('/runs/') && pathname !== '/runs/new');
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Nav() {
  const pathname = usePathname() ?? '/';
  const role = useRole();
  const session = useSession();
  if (!session) return null;
  const links = LINKS.filter((link) => !('creates' in link) || canCreate(role));
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={isActive(pathname, link.href) ? 'page' : undefined}
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * The navigation and account bar: in the header's row on wide screens; at phone width behind a
 * Menu button (a disclosure), so the header stays one line. Following a link or Escape closes it.
 */
export function HeaderMenu({ children }: { children: ReactNode }) {
  const id = useId();
  const pathname = usePathname() ?? '/';
  const session = useSession();
  const button = useRef<HTMLButtonElement>(null);
  // Open on the page where it was opened: another page (a link followed) finds it closed.
  const [openOn, setOpenOn] = useState<string | null>(null);
  if (!session) return null;
  const open = openOn === pathname;
  return (
    <>
      <button
        ref={button}
        type="button"
        className="small header-button menu-button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpenOn(open ? null : pathname)}
      >
        Menu
      </button>
      <div
        id={id}
        className="header-menu"
        data-open={open}
        onKeyDown={(event) => {
          if (!open || event.key !== 'Escape') return;
          setOpenOn(null);
          button.current?.focus();
        }}
      >
        {children}
      </div>
    </>
  );
}

/** Workspace switcher, a new workspace, who is signed in, and sign-out. */
export function AccountBar() {
  const session = useSession();
  const actions = useSessionActions();
  if (!session) return null;
  return (
    <div className="account-bar">
      <WorkspaceSwitcher />
      <Link href="/workspaces/new" className="header-link">
        New workspace
      </Link>
      <Link href="/account" className="header-link">
        Password
      </Link>
      <span className="who" data-testid="signed-in-as" title={session.me.email}>
        {session.me.name}
      </span>
      <button type="button" className="small header-button" onClick={() => void actions.signOut()}>
        Sign out
      </button>
    </div>
  );
}

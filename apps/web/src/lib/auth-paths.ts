// Which dashboard paths need a session, and where to go after signing in.

/** Pages anyone may see: they work without a session. */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/sign-in' || pathname === '/setup' || pathname.startsWith('/invite/');
}

/** A same-site path to return to after signing in (never another origin, never a sign-in page). */
export function safeNext(next: string | null | undefined): string {
  return next &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.startsWith('/\\') &&
    !isPublicPath(next.split(/[?#]/)[0]!)
    ? next
    : '/';
}

/** Item pages belong to one workspace: after a switch they would show NOT_FOUND. */
export function isWorkspaceItemPath(pathname: string): boolean {
  return (pathname.startsWith('/runs/') && pathname !== '/runs/new') || pathname === '/compare';
}

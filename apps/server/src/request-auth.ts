import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';

/** The dashboard's session: HTTP-only, SameSite=Lax, so other sites' pages cannot use it. */
export const SESSION_COOKIE = 'latent_lab_session';

/** The bearer secret of a request: `Authorization: Bearer <token>`, else the session cookie. */
export function credentialOf(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match ? match[1]! : null;
  }
  return headers.cookie ? (parseCookie(headers.cookie)[SESSION_COOKIE] ?? null) : null;
}

/** The current workspace a session asked for (API tokens are bound to theirs). */
export function workspaceHeader(headers: IncomingHttpHeaders): string | null {
  const value = headers['x-workspace-id'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export function sessionCookie(token: string | null, days: number, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token ?? '', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: token ? days * 24 * 60 * 60 : 0,
  });
}

/** The origin a request was made to, for the WebSocket's same-origin check. */
export function requestOrigin(headers: IncomingHttpHeaders, secure: boolean): string {
  const forwarded = headers['x-forwarded-proto'];
  const protocol =
    typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : secure ? 'https' : 'http';
  return `${protocol}://${headers.host ?? 'localhost'}`;
}

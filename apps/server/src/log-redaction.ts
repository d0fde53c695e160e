// Nothing secret reaches the logs: session, invitation and API-token secrets (lls_, lli_, llt_),
// URL signatures, cookies, Authorization headers and passwords are replaced before a line is
// written, whichever logger call carries them.
import type { LoggerOptions } from 'pino';

export const REDACTED = '[redacted]';

/** Query parameters that grant access by themselves. */
const SECRET_PARAMS = new Set(['sig', 'token', 'invitationtoken', 'access_token']);
/** Every secret this server hands out starts with one of these (services/accounts.ts). */
const SECRET_VALUE = /^ll[ist]_/;

/**
 * The URL with secret path segments (an invitation link's token) and secret query parameters
 * (signatures, tokens) replaced; the rest stays for the operator to read.
 */
export function redactUrl(url: string): string {
  const [path = '', search] = url.split('?', 2) as [string, string?];
  const safePath = path
    .split('/')
    .map((segment) => (SECRET_VALUE.test(decodeSafely(segment)) ? REDACTED : segment))
    .join('/');
  if (search === undefined) return safePath;
  const params = new URLSearchParams(search);
  for (const [name, value] of [...params]) {
    if (SECRET_PARAMS.has(name.toLowerCase()) || SECRET_VALUE.test(value))
      params.set(name, REDACTED);
  }
  return `${safePath}?${params.toString().replaceAll('%5Bredacted%5D', REDACTED)}`;
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** pino's redaction: header and body fields that are secrets wherever an object is logged. */
export const redaction: LoggerOptions['redact'] = {
  paths: [
    'authorization',
    'cookie',
    'password',
    'token',
    '*.authorization',
    '*.cookie',
    '*.password',
    '*.token',
    '*.headers.authorization',
    '*.headers.cookie',
    '*.headers["set-cookie"]',
    'headers.authorization',
    'headers.cookie',
    'headers["set-cookie"]',
  ],
  censor: REDACTED,
};

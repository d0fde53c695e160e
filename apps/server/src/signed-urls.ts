import { createHmac, timingSafeEqual } from 'node:crypto';

const WINDOW_MS = 6 * 60 * 60 * 1000;

/**
 * File and download URLs handed out by the API carry an expiring HMAC signature, so <img> tags,
 * download links and scripts fetch them without headers, and nobody reaches a file without having
 * been given its URL by the API (as S3 presigned URLs do). Expiry times are rounded up to the next
 * six-hour boundary plus six hours: a URL stays the same for hours, so browsers can cache it.
 *
 * The signature covers the path and every query parameter (in any order), so a URL is valid only
 * exactly as signed: a holder cannot add or change a parameter that changes the work done (a
 * download's fps or loop). Members choose those with their own credentials instead.
 */
export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(path: string): string {
    const expires = Math.ceil(this.now() / WINDOW_MS) * WINDOW_MS + WINDOW_MS;
    const exp = String(Math.floor(expires / 1000));
    const [pathname, search = ''] = path.split('?', 2) as [string, string?];
    const signed = canonical(pathname, [...new URLSearchParams(search)]);
    const separator = search ? '&' : '?';
    return `${path}${separator}exp=${exp}&sig=${this.signature(signed, exp)}`;
  }

  /**
   * Whether the signature fits this path and query (every parameter but exp and sig, as the
   * request has them) and has not expired. A parameter given twice is never signed: refused.
   */
  verify(pathname: string, query: Record<string, unknown>): boolean {
    const { exp, sig, ...rest } = query;
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < this.now()) return false;
    const params = Object.entries(rest);
    if (!params.every((entry): entry is [string, string] => typeof entry[1] === 'string'))
      return false;
    const expected = Buffer.from(this.signature(canonical(pathname, params), exp));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(signed: string, exp: string): string {
    return createHmac('sha256', this.secret).update(`${signed}\n${exp}`).digest('base64url');
  }
}

/** What is signed: the path, then the query parameters sorted, so their order does not matter. */
function canonical(pathname: string, params: [string, string][]): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.length === 0 ? pathname : `${pathname}?${new URLSearchParams(sorted).toString()}`;
}

import { createHmac, timingSafeEqual } from 'node:crypto';

const WINDOW_MS = 6 * 60 * 60 * 1000;

/**
 * File and download URLs handed out by the API carry an expiring HMAC signature, so <img> tags,
 * download links and scripts fetch them without headers, and nobody reaches a file without having
 * been given its URL by the API (as S3 presigned URLs do). Expiry times are rounded up to the next
 * six-hour boundary plus six hours: a URL stays the same for hours, so browsers can cache it.
 */
export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(path: string): string {
    const expires = Math.ceil(this.now() / WINDOW_MS) * WINDOW_MS + WINDOW_MS;
    const exp = String(Math.floor(expires / 1000));
    const separator = path.includes('?') ? '&' : '?';
    return `${path}${separator}exp=${exp}&sig=${this.signature(path, exp)}`;
  }

  /** Whether the signature fits this path (without exp and sig) and has not expired. */
  verify(path: string, exp: unknown, sig: unknown): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < this.now()) return false;
    const expected = Buffer.from(this.signature(path, exp));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(path: string, exp: string): string {
    return createHmac('sha256', this.secret).update(`${path}\n${exp}`).digest('base64url');
  }
}

import { databaseRateLimiter, type DbClient, type RateLimiterAbstract } from '@latent-lab/db';
import { DomainError } from '@latent-lab/domain';

function tooMany(what: string, msBeforeNext: number): DomainError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError('rate-limited', 'RATE_LIMITED', `${what}: try again in ${seconds} s`);
}

/** rate-limiter-flexible rejects with its result object when a key is over its points. */
function msBefore(rejection: unknown): number | undefined {
  return typeof rejection === 'object' && rejection !== null && 'msBeforeNext' in rejection
    ? Number((rejection as { msBeforeNext: number }).msBeforeNext)
    : undefined;
}

const SIGNIN_WINDOW_SECONDS = 15 * 60;

/** Failed sign-ins, counted per account and per address; a success clears the account's count. */
export class LoginLimiter {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;

  constructor(db: DbClient, attempts: number) {
    const options = { points: attempts, duration: SIGNIN_WINDOW_SECONDS };
    this.perAccount = databaseRateLimiter(db, { keyPrefix: 'signin-account', ...options });
    // An address may try a few accounts (a shared office) before it is held back.
    this.perAddress = databaseRateLimiter(db, {
      keyPrefix: 'signin-address',
      points: attempts * 3,
      duration: SIGNIN_WINDOW_SECONDS,
    });
  }

  async check(email: string, address: string): Promise<void> {
    for (const [limiter, key, points] of [
      [this.perAccount, email, this.perAccount.points],
      [this.perAddress, address, this.perAddress.points],
    ] as const) {
      const state = await limiter.get(key);
      if (state && state.consumedPoints >= points)
        throw tooMany('too many failed sign-ins', state.msBeforeNext);
    }
  }

  async failed(email: string, address: string): Promise<void> {
    await Promise.all([this.perAccount.penalty(email, 1), this.perAddress.penalty(address, 1)]);
  }

  async succeeded(email: string, _address: string): Promise<void> {
    await this.perAccount.delete(email);
  }
}

/** Uploads and run creations per session or token, across every API process. */
export class MutationLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(db: DbClient, perMinute: number) {
    this.limiter = databaseRateLimiter(db, {
      keyPrefix: 'mutations',
      points: perMinute,
      duration: 60,
    });
  }

  async consume(credentialId: string): Promise<void> {
    try {
      await this.limiter.consume(credentialId);
    } catch (rejection) {
      const ms = msBefore(rejection);
      if (ms === undefined) throw rejection;
      throw tooMany(`more than ${this.limiter.points} uploads and runs a minute`, ms);
    }
  }
}

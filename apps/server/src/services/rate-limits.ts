import { databaseRateLimiter, type DbClient, type RateLimiterAbstract } from '@latent-lab/db';
import { DomainError } from '@latent-lab/domain';

function tooMany(what: string, msBeforeNext: number): DomainError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError('rate-limited', 'RATE_LIMITED', `${what}: try again in ${seconds} s`, {
    details: { retryAfterSeconds: seconds },
  });
}

/** rate-limiter-flexible rejects with its result object when a key is over its points. */
function rejected(rejection: unknown): { msBeforeNext: number; consumedPoints: number } {
  if (typeof rejection === 'object' && rejection !== null && 'msBeforeNext' in rejection)
    return rejection as { msBeforeNext: number; consumedPoints: number };
  throw rejection;
}

const SIGNIN_WINDOW_SECONDS = 15 * 60;
const DAY_SECONDS = 24 * 60 * 60;

/**
 * Sign-in attempts, counted before the password is verified (the database increments the count
 * atomically, so attempts sent together are judged as if sent one by one). Two counts: per account
 * and address pair, so a stranger elsewhere cannot lock an account's owner out, and per address,
 * so one address cannot try many accounts. Each time a pair runs out again within a day its wait
 * doubles (15 min, 30 min, 1 h, ... at most a day). A success clears the pair and gives the
 * address its attempt back.
 */
export class LoginLimiter {
  private readonly perPair: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  /** How often a pair ran out of attempts in the last day: the back-off's exponent. */
  private readonly lockouts: RateLimiterAbstract;

  constructor(db: DbClient, limits: { pairAttempts: number; addressAttempts: number }) {
    this.perPair = databaseRateLimiter(db, {
      keyPrefix: 'signin-pair',
      points: limits.pairAttempts,
      duration: SIGNIN_WINDOW_SECONDS,
    });
    this.perAddress = databaseRateLimiter(db, {
      keyPrefix: 'signin-address',
      points: limits.addressAttempts,
      duration: SIGNIN_WINDOW_SECONDS,
    });
    this.lockouts = databaseRateLimiter(db, {
      keyPrefix: 'signin-lockouts',
      points: Number.MAX_SAFE_INTEGER,
      duration: DAY_SECONDS,
    });
  }

  /**
   * Counts one attempt; RATE_LIMITED (with retryAfterSeconds) when the pair or the address is out.
   * Without an email (a sign-up) only the address counts.
   */
  async attempt(address: string, email?: string): Promise<void> {
    if (email !== undefined) await this.attemptPair(pairKey(email, address));
    try {
      await this.perAddress.consume(address);
    } catch (rejection) {
      throw tooMany('too many sign-ins from this address', rejected(rejection).msBeforeNext);
    }
  }

  async succeeded(address: string, email?: string): Promise<void> {
    await Promise.all([
      ...(email === undefined ? [] : [this.perPair.delete(pairKey(email, address))]),
      this.perAddress.reward(address, 1),
    ]);
  }

  private async attemptPair(pair: string): Promise<void> {
    try {
      await this.perPair.consume(pair);
    } catch (rejection) {
      const { msBeforeNext, consumedPoints } = rejected(rejection);
      // The first attempt past the limit (exactly one, the count being atomic) sets the back-off.
      if (consumedPoints !== this.perPair.points + 1)
        throw tooMany('too many failed sign-ins', msBeforeNext);
      const { consumedPoints: times } = await this.lockouts.penalty(pair, 1);
      const seconds = Math.min(DAY_SECONDS, SIGNIN_WINDOW_SECONDS * 2 ** (times - 1));
      await this.perPair.block(pair, seconds);
      throw tooMany('too many failed sign-ins', seconds * 1000);
    }
  }
}

function pairKey(email: string, address: string): string {
  return `${address} ${email}`;
}

/** Uploads and run creations per user (all their sessions and tokens), across every API process. */
export class MutationLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(db: DbClient, perMinute: number) {
    this.limiter = databaseRateLimiter(db, {
      keyPrefix: 'mutations',
      points: perMinute,
      duration: 60,
    });
  }

  async consume(userId: string): Promise<void> {
    try {
      await this.limiter.consume(userId);
    } catch (rejection) {
      throw tooMany(
        `more than ${this.limiter.points} uploads and runs a minute`,
        rejected(rejection).msBeforeNext,
      );
    }
  }
}

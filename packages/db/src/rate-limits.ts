// Counters for rate limits in the database, so every API process sees the same counts.
import { RateLimiterPrisma, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { prismaOf, type DbClient } from './client.ts';

export type { RateLimiterAbstract };

/** `points` per `duration` seconds for each key under `keyPrefix`. */
export function databaseRateLimiter(
  client: DbClient,
  options: { keyPrefix: string; points: number; duration: number },
): RateLimiterAbstract {
  const prisma = prismaOf(client);
  return new RateLimiterPrisma({
    storeClient: prisma,
    tableName: 'rateLimiterFlexible',
    // Expired rows are reused by the next hit on their key; no timer keeps a process alive.
    clearExpiredByTimeout: false,
    ...options,
  });
}

import { MAX_SEED } from '@latent-lab/domain';

/** A random run seed over the whole range the API and the CLI accept: [0, 2^32). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % (MAX_SEED + 1);
}

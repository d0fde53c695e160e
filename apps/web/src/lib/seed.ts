/** A run seed that fits GraphQL's Int: uniform in [0, 2^31). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}

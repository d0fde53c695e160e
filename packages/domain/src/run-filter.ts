import { invalidInput } from './errors.ts';

/**
 * A created-at range that ends before (or where) it starts matches no run: refused, naming both
 * dates, rather than answered with an empty list that looks like "no runs".
 */
export function checkCreatedRange(createdAfter?: Date, createdBefore?: Date): void {
  if (createdAfter === undefined || createdBefore === undefined) return;
  if (createdBefore.getTime() > createdAfter.getTime()) return;
  throw invalidInput(
    'filter.createdBefore',
    `filter.createdBefore (${createdBefore.toISOString()}) must be after filter.createdAfter (${createdAfter.toISOString()})`,
  );
}

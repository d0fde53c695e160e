import { invalidInput } from './errors.ts';

export interface Connection<T> {
  nodes: T[];
  /** Rows matching the filters, across all pages. */
  totalCount: number;
  hasNextPage: boolean;
  /** Pass as `after` for the next page; null when the page is empty. */
  endCursor: string | null;
}

export interface PageArgs {
  first: number;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A page request within 1..max; anything else is refused, never clamped. */
export function checkPage(page: { first: number; after?: string | null }, max: number): PageArgs {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > max) {
    throw invalidInput('first', `first must be an integer from 1 to ${max}, got ${page.first}`);
  }
  return { first: page.first, after: page.after ?? null };
}

// Keyset (cursor) pagination: a page is "rows after this (sort key, id)", so pages stay stable while
// rows are inserted, and every page is an index range scan instead of an OFFSET.
import type { Connection } from '@latent-lab/domain';
import { DbError } from './errors.ts';

export type { Connection } from '@latent-lab/domain';

export interface PageArgs {
  /** Page size (default DEFAULT_PAGE_SIZE); the services check it against the configured maximum. */
  first?: number;
  /** endCursor of the previous page. */
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) {
    throw new DbError('INVALID_INPUT', `first must be a positive integer, got ${first}`, {
      field: 'first',
    });
  }
  return size;
}

/** A cursor names the sort it belongs to, so one from another sort is refused rather than misread. */
interface CursorPosition {
  sort: string;
  key: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.key, position.id])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 3 ||
    !parts.every((part) => typeof part === 'string')
  ) {
    throw new DbError('INVALID_CURSOR', 'after: not a cursor returned by this API', {
      field: 'after',
    });
  }
  const [cursorSort, key, id] = parts as [string, string, string];
  if (cursorSort !== sort) {
    throw new DbError(
      'INVALID_CURSOR',
      `after: the cursor belongs to sort ${cursorSort}, not ${sort}`,
      { field: 'after' },
    );
  }
  return { sort, key, id };
}

/** Builds the connection from up to size+1 rows fetched in order (the extra row only says "there is more"). */
export function toConnection<T>(
  rows: T[],
  size: number,
  totalCount: number,
  cursorOf: (row: T) => string,
): Connection<T> {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount,
    hasNextPage: rows.length > size,
    endCursor: last ? cursorOf(last) : null,
  };
}

const NEWEST_FIRST = 'CREATED_AT_DESC';

/**
 * One keyset page of a workspace's rows, newest first (createdAt, then id, descending): `find`
 * gets the query's where clause (the scope, after the cursor), order and size; `count` the scope's.
 */
export async function newestFirstPage<T extends { createdAt: Date; id: string }>(
  scope: { workspaceId: string },
  args: PageArgs,
  find: (query: {
    where: {
      AND: [
        { workspaceId: string },
        { OR?: ({ createdAt: { lt: Date } } | { createdAt: Date; id: { lt: string } })[] },
      ];
    };
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }];
    take: number;
  }) => Promise<T[]>,
  count: (query: { where: { workspaceId: string } }) => Promise<number>,
): Promise<Connection<T>> {
  const size = pageSize(args.first);
  const position = args.after ? decodeCursor(args.after, NEWEST_FIRST) : null;
  const key = position ? new Date(position.key) : null;
  const after =
    position && key
      ? { OR: [{ createdAt: { lt: key } }, { createdAt: key, id: { lt: position.id } }] }
      : {};
  const [rows, totalCount] = await Promise.all([
    find({
      where: { AND: [scope, after] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: size + 1,
    }),
    count({ where: scope }),
  ]);
  return toConnection(rows, size, totalCount, (row) =>
    encodeCursor({ sort: NEWEST_FIRST, key: row.createdAt.toISOString(), id: row.id }),
  );
}

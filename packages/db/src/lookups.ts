// What lookups by id share: only a UUID can name a row, and a workspace, when given, scopes the rows.
import { isUuid } from './prisma-errors.ts';

/** Rows of the workspace when one is given; of any workspace when not (workers, batch loaders). */
export function inWorkspace(workspaceId: string | undefined): { workspaceId?: string } {
  return workspaceId === undefined ? {} : { workspaceId };
}

/** A batch lookup: `find` gets the ids that can name a row, and is not called when none can. */
export async function findByIds<T>(
  ids: readonly string[],
  find: (validIds: string[]) => Promise<T[]>,
): Promise<T[]> {
  const validIds = ids.filter(isUuid);
  return validIds.length === 0 ? [] : find(validIds);
}

import { useState } from 'react';

/** Forward cursor paging that can step back: keeps the cursor each visited page starts after. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    /** 1 for the first page. */
    page: cursors.length,
    toFirst: () => setCursors([null]),
    back: () => setCursors((c) => c.slice(0, -1)),
    forward: (endCursor: string) => setCursors((c) => [...c, endCursor]),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

/** Previous/Next buttons for a connection page (endCursor and hasNextPage of the shown page). */
export function Pager({
  pages,
  pageInfo,
}: {
  pages: CursorPages;
  pageInfo: { endCursor?: string | null; hasNextPage: boolean } | undefined;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={pages.back} disabled={pages.page <= 1}>
        Previous
      </button>
      <button
        type="button"
        onClick={() => pageInfo?.endCursor && pages.forward(pageInfo.endCursor)}
        disabled={!pageInfo?.hasNextPage}
      >
        Next
      </button>
    </nav>
  );
}

import { RunsDocument } from '../gql/graphql.ts';
import { RunsView } from '../features/runs/runs-view.tsx';
import { loadRunsParams, toRunsVariables } from '../features/runs/run-filters.ts';
import { pageData } from '../shell/server-data.ts';
import { WithInitialData } from '../shell/session.tsx';

type SearchParams = Record<string, string | string[] | undefined>;

// The filters live in the URL; the first page of runs for them is in the server's HTML. No
// Suspense boundary: under one, the rows could stream in after the shell as a hidden segment, which
// a visitor without JavaScript never sees and which sat beside the hydrated copy for a moment.
export default async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { after: trail, ...filters } = loadRunsParams(await searchParams);
  const initial = await pageData(RunsDocument, (session) =>
    // The same variables as RunsView's query, so its cache key finds these rows.
    toRunsVariables(filters, trail.at(-1) ?? null, undefined, session.me.id),
  );
  return (
    <WithInitialData initial={initial}>
      <RunsView />
    </WithInitialData>
  );
}

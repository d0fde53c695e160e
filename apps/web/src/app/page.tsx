import { Suspense } from 'react';
import { RunsView } from '../features/runs/runs-view.tsx';

export default function RunsPage() {
  // The filters live in the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<p className="muted">Loading runs…</p>}>
      <RunsView />
    </Suspense>
  );
}

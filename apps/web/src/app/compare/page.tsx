import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CompareView } from '../../features/compare/compare-view.tsx';

export const metadata: Metadata = { title: 'Compare' };

export default function ComparePage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <CompareView />
    </Suspense>
  );
}

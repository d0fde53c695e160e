import { Suspense } from 'react';
import type { Metadata } from 'next';
import { SweepView } from '../../../features/sweeps/sweep-view.tsx';

export const metadata: Metadata = { title: 'Sweep' };

// The tab, frame and plot live in the URL (nuqs), which needs a Suspense boundary.
export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <SweepView sweepId={id} />
    </Suspense>
  );
}

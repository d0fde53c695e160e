import type { Metadata } from 'next';
import { SweepView } from '../../../features/sweeps/sweep-view.tsx';

export const metadata: Metadata = { title: 'Sweep' };

// The tab, frame and plot live in the URL (nuqs). Every page is rendered per request, so reading
// the URL needs no Suspense boundary, and one would let the view stream in a hidden segment.
export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SweepView sweepId={id} />;
}

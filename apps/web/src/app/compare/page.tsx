import type { Metadata } from 'next';
import { CompareView } from '../../features/compare/compare-view.tsx';

export const metadata: Metadata = { title: 'Compare' };

// The compared runs, frame and view live in the URL.
export default function ComparePage() {
  return <CompareView />;
}

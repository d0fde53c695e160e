import type { Metadata } from 'next';
import { SweepsView } from '../../features/sweeps/sweeps-view.tsx';

export const metadata: Metadata = { title: 'Sweeps' };

export default function SweepsPage() {
  return <SweepsView />;
}

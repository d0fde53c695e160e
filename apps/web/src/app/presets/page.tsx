import type { Metadata } from 'next';
import { PresetsView } from '../../features/presets/presets-view.tsx';

export const metadata: Metadata = { title: 'Noise presets' };

export default function PresetsPage() {
  return <PresetsView />;
}

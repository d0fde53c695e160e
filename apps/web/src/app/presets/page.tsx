import type { Metadata } from 'next';
import { PresetsView } from '../../components/presets-view.tsx';

export const metadata: Metadata = { title: 'Noise presets' };

export default function PresetsPage() {
  return <PresetsView />;
}

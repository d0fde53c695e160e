import type { Metadata } from 'next';
import { TokensView } from '../../features/tokens/tokens-view.tsx';

export const metadata: Metadata = { title: 'API tokens' };

export default function TokensPage() {
  return <TokensView />;
}

import type { Metadata } from 'next';
import { urlStatePage } from '../../components/url-state-page.tsx';
import { CompareView } from '../../features/compare/compare-view.tsx';

export const metadata: Metadata = { title: 'Compare' };

// The compared runs, frame and view live in the URL.
export default urlStatePage(CompareView);

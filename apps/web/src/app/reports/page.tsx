import type { Metadata } from 'next';
import { ReportsView } from '../../features/reports/reports-view.tsx';

export const metadata: Metadata = { title: 'Reports' };

export default function ReportsPage() {
  return <ReportsView />;
}

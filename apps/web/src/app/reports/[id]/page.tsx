import type { Metadata } from 'next';
import { ReportView } from '../../../features/reports/report-view.tsx';

export const metadata: Metadata = { title: 'Report' };

export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ReportView reportId={id} />;
}

import { RunsView } from '../components/runs-view.tsx';

export default function RunsPage() {
  return <RunsView />;
}

import { urlStatePage } from '../components/url-state-page.tsx';
import { RunsView } from '../features/runs/runs-view.tsx';

// The filters live in the URL.
export default urlStatePage(RunsView, 'Loading runs…');

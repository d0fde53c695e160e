'use client';
import { useCallback } from 'react';
import Link from 'next/link';
import { CopyLinkButton } from '../../components/copy-button.tsx';
import { canCreate } from '../../lib/roles.ts';
import { useUrlView } from '../../lib/url-view.ts';
import { useRole } from '../../shell/session.tsx';
import { SaveReport } from '../reports/save-report.tsx';
import { ComparePlayer } from './compare-player.tsx';
import {
  compareLink,
  compareParams,
  MAX_COMPARED,
  urlOfView,
  viewOfUrl,
  type CompareView as View,
} from './compare.ts';

/** The compare page: the whole view lives in the URL, so a copied link reopens it. */
export function CompareView() {
  const [url, setUrl] = useUrlView(compareParams);
  const role = useRole();
  const initial = viewOfUrl(url);
  const ids = initial.runIds;
  const writeUrl = useCallback((view: View) => setUrl(urlOfView(view)), [setUrl]);

  if (ids.length < 2) {
    return (
      <>
        <h1>Compare</h1>
        <p className="alert info">
          Pick 2 to {MAX_COMPARED} runs on the <Link href="/">Runs</Link> page (tick their boxes),
          then choose “Compare”.
        </p>
      </>
    );
  }
  return (
    // Another set of runs (a link to another comparison) starts from that link's view.
    <ComparePlayer
      key={ids.join(',')}
      initial={initial}
      onViewChange={writeUrl}
      heading={(runs, view) => (
        <>
          <div className="page-head">
            <h1>Compare {runs.length} runs</h1>
            <div className="row">
              <CopyLinkButton path={compareLink(view)} />
            </div>
          </div>
          {canCreate(role) ? <SaveReport view={view} /> : null}
        </>
      )}
    />
  );
}

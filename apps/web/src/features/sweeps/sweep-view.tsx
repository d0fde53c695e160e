'use client';
import { useCallback } from 'react';
import type { SweepView as View } from '@latent-lab/domain';
import { CopyLinkButton } from '../../components/copy-button.tsx';
import { canCreate } from '../../lib/roles.ts';
import { useUrlView } from '../../lib/url-view.ts';
import { useRole } from '../../shell/session.tsx';
import { SaveReport } from '../reports/save-report.tsx';
import { sweepLink, sweepParams } from './sweep-grid.ts';
import { SweepPlayer } from './sweep-player.tsx';

/** The sweep page: the view lives in the URL, so a copied link reopens it. */
export function SweepView({ sweepId }: { sweepId: string }) {
  const [url, setUrl] = useUrlView(sweepParams);
  const role = useRole();
  const writeUrl = useCallback(
    ({ tab, frame, metric, by }: View) => setUrl({ tab, frame, metric, by }),
    [setUrl],
  );
  return (
    <SweepPlayer
      key={sweepId}
      initial={{ kind: 'sweep', sweepId, ...url }}
      onViewChange={writeUrl}
      heading={(name, view) => (
        <>
          <div className="page-head">
            <h1>{name}</h1>
            <div className="row">
              <CopyLinkButton path={sweepLink(view)} />
            </div>
          </div>
          {canCreate(role) ? <SaveReport view={view} /> : null}
        </>
      )}
    />
  );
}

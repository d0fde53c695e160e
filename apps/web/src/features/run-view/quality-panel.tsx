'use client';
import { Fragment } from 'react';
import { formatPsnr, METRICS, type RunMetricValues } from '../runs/metrics.ts';

/**
 * The run's quality figures, measured by the server once the run succeeds; until then a line
 * saying so (the run page fetches the run again when it ends, which brings them).
 */
export function QualityPanel({ metrics }: { metrics: RunMetricValues | null | undefined }) {
  return (
    <div className="panel" aria-label="Quality" role="region">
      <h2 style={{ marginTop: 0 }}>Quality</h2>
      {metrics ? (
        <dl className="params">
          {METRICS.filter(({ metric }) => metric !== 'MIN_ENDPOINT_PSNR').map((definition) => (
            <Fragment key={definition.metric}>
              <dt>{definition.label}</dt>
              <dd
                className="mono"
                data-testid={`metric-${definition.key}`}
                data-value={metrics[definition.key]}
              >
                {definition.format(metrics[definition.key])}
                {definition.hint ? <span className="field-hint"> {definition.hint}</span> : null}
              </dd>
            </Fragment>
          ))}
          <dt>Endpoint PSNR</dt>
          <dd>
            <ol className="metric-psnr">
              {metrics.endpointPsnr.map((psnr, i) => (
                <li key={i} className="mono" data-testid="endpoint-psnr" data-value={psnr}>
                  Keyframe {i + 1}: {formatPsnr(psnr)}
                </li>
              ))}
            </ol>
          </dd>
        </dl>
      ) : (
        <p className="muted">Measured when the run succeeds.</p>
      )}
    </div>
  );
}

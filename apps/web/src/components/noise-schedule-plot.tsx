import type { CSSProperties, ReactNode } from 'react';
import { noiseLevels, type NoiseShape } from '../lib/noise-schedule.ts';
import { LineChart, SERIES_COLORS } from './line-chart.tsx';

/** The noise level of every frame under a noise setting, as a line; `empty` while it has none. */
export function NoiseSchedulePlot({
  noise,
  steps,
  title,
  xLabel,
  style,
  empty = null,
}: {
  noise: NoiseShape;
  steps: number;
  title: string;
  xLabel: (frames: number) => string;
  style: CSSProperties;
  empty?: ReactNode;
}) {
  const levels = noiseLevels(noise, steps);
  return (
    <div style={style}>
      {levels.length > 0 ? (
        <LineChart
          title={title}
          xLabel={xLabel(levels.length)}
          series={[{ label: 'noise', color: SERIES_COLORS[0], values: levels }]}
        />
      ) : (
        empty
      )}
    </div>
  );
}

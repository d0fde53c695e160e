export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** null: no value at that position (the line skips it). */
  readonly values: readonly (number | null)[];
}

export const SERIES_COLORS = ['#3a5bd9', '#d9480f', '#2b8a3e', '#9c36b5'] as const;

const WIDTH = 360;
const HEIGHT = 140;
const PAD = { left: 36, right: 8, top: 8, bottom: 22 };

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / magnitude) * magnitude;
}

/**
 * A small inline SVG line plot: x is the position along the run (0 to 1, so runs with different
 * frame counts line up), or with `xTicks` one named step per value; y the value.
 */
export function LineChart({
  series,
  title,
  xLabel,
  xTicks,
  yFormat = (v) => v.toFixed(2),
}: {
  series: readonly ChartSeries[];
  title: string;
  xLabel: string;
  xTicks?: readonly string[];
  yFormat?: (value: number) => string;
}) {
  const yMax = niceMax(
    Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))),
  );
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  // Named steps sit in the middle of equal slots, so the first and last labels fit.
  const x = (i: number, n: number) =>
    PAD.left + (xTicks ? ((i + 0.5) / n) * plotW : n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <title>{title}</title>
        <line
          x1={PAD.left}
          y1={PAD.top + plotH}
          x2={PAD.left + plotW}
          y2={PAD.top + plotH}
          stroke="#9aa3ad"
        />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} stroke="#9aa3ad" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end">
          {yFormat(yMax)}
        </text>
        <text x={PAD.left - 4} y={PAD.top + plotH} textAnchor="end">
          0
        </text>
        <text x={PAD.left + plotW / 2} y={HEIGHT - 6} textAnchor="middle">
          {xLabel}
        </text>
        {xTicks?.map((tick, i) => (
          <text key={i} x={x(i, xTicks.length)} y={PAD.top + plotH + 10} textAnchor="middle">
            {tick}
          </text>
        ))}
        {series.map((s) => {
          const points = s.values.flatMap((v, i) =>
            v === null ? [] : [{ cx: x(i, s.values.length), cy: y(v) }],
          );
          return points.length === 1 || xTicks ? (
            <g key={s.label} fill={s.color}>
              {points.length > 1 ? (
                <polyline
                  fill="none"
                  stroke={s.color}
                  strokeWidth={2}
                  points={points.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')}
                />
              ) : null}
              {points.map((p, i) => (
                <circle key={i} cx={p.cx} cy={p.cy} r={3} />
              ))}
            </g>
          ) : (
            <polyline
              key={s.label}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              points={points.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')}
            />
          );
        })}
      </svg>
      {series.length > 1 ? (
        <figcaption className="legend">
          {series.map((s) => (
            <span key={s.label} style={{ ['--swatch' as string]: s.color }}>
              {s.label}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}

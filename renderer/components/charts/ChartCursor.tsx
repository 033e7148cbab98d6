import { formatDateTime, formatMs, formatTimeTick } from '../../format';
import type { ChartColors } from '../../hooks';
import { xPx, yPx, type Plot } from '../../metrics/plot';
import type { LatencyPoint } from '../../metrics/series';

const TOOLTIP_WIDTH = 168;

/** The hovered (or keyboard-selected) second: a vertical rule, a dot per series, and the values. */
export function ChartCursor({
  plot,
  row,
  colors,
  chartWidth,
}: {
  plot: Plot;
  row: LatencyPoint;
  colors: ChartColors;
  chartWidth: number;
}) {
  const x = xPx(plot, row.t);
  const dots = [
    { key: 'max', value: row.max, color: colors.max },
    { key: 'p99', value: row.p99, color: colors.p99 },
    { key: 'p50', value: row.p50, color: colors.p50 },
  ];
  const flip = x + 14 + TOOLTIP_WIDTH > chartWidth;
  return (
    <>
      <svg className="chart-cursor" width={chartWidth} height={plot.top + plot.height} aria-hidden="true">
        <line
          x1={x}
          x2={x}
          y1={plot.top}
          y2={plot.top + plot.height}
          stroke={colors.axis}
          strokeDasharray="3 3"
        />
        {dots.map((d) =>
          d.value == null ? null : (
            <circle key={d.key} cx={x} cy={yPx(plot, d.value)} r={3} fill={d.color} stroke="var(--surface)" />
          ),
        )}
      </svg>
      <div
        className="chart-tooltip floating"
        style={{ left: flip ? x - 14 - TOOLTIP_WIDTH : x + 14, top: plot.top + 4, width: TOOLTIP_WIDTH }}
        role="status"
      >
        <div className="chart-tooltip-time">
          {plot.x1 - plot.x0 > 86_400_000 ? formatDateTime(row.t) : formatTimeTick(row.t, 0)}
        </div>
        <dl>
          <dt className="swatch-max">max</dt>
          <dd>{formatMs(row.max)}</dd>
          <dt className="swatch-p99">p99</dt>
          <dd>{formatMs(row.p99)}</dd>
          <dt className="swatch-p50">p50</dt>
          <dd>{formatMs(row.p50)}</dd>
        </dl>
      </div>
    </>
  );
}

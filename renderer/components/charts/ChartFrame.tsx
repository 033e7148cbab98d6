import { formatAxisMs, formatTargetMs, formatTimeTick } from '../../format';
import type { ChartColors } from '../../hooks';
import { xPx, yPx, type Plot } from '../../metrics/plot';

const crisp = (v: number) => Math.round(v) + 0.5;

/** Where the SLA target sits on the plot, or null when it is outside the y domain. */
export function targetPx(plot: Plot, targetMs: number | null): number | null {
  return targetMs !== null && targetMs >= plot.y0 && targetMs <= plot.y1 ? yPx(plot, targetMs) : null;
}

/** The SLA label, drawn over the lines on a backing so it stays readable when they cross it. */
export function TargetLabel({
  plot,
  targetMs,
  colors,
}: {
  plot: Plot;
  targetMs: number | null;
  colors: ChartColors;
}) {
  const y = targetPx(plot, targetMs);
  if (y === null || targetMs === null) return null;
  const text = `SLA ${formatTargetMs(targetMs)}`;
  const width = text.length * 6.2 + 8;
  const right = plot.left + plot.width;
  return (
    <g className="chart-target-label" fontSize={11}>
      <rect
        x={right - width}
        y={y - 17}
        width={width}
        height={14}
        rx={3}
        fill="var(--surface)"
        fillOpacity={0.9}
      />
      <text x={right - 4} y={y - 6} textAnchor="end" fill={colors.target}>
        {text}
      </text>
    </g>
  );
}

/** Grid, axis labels and the SLA reference line: what stays still while the lines move. */
export function ChartFrame({
  plot,
  xTicks,
  yTicks,
  targetMs,
  colors,
}: {
  plot: Plot;
  xTicks: readonly number[];
  yTicks: readonly number[];
  targetMs: number | null;
  colors: ChartColors;
}) {
  const right = plot.left + plot.width;
  const bottom = plot.top + plot.height;
  const span = plot.x1 - plot.x0;
  const targetY =
    targetMs !== null && targetMs >= plot.y0 && targetMs <= plot.y1 ? yPx(plot, targetMs) : null;
  return (
    <g className="chart-frame" fontSize={11} fill={colors.axis}>
      {yTicks.map((v) => {
        const y = crisp(yPx(plot, v));
        return (
          <g key={`y${v}`}>
            <line x1={plot.left} x2={right} y1={y} y2={y} stroke={colors.grid} />
            <text x={plot.left - 8} y={y} dy="0.32em" textAnchor="end">
              {formatAxisMs(v)}
            </text>
          </g>
        );
      })}
      <text x={plot.left - 8} y={plot.top - 12} textAnchor="end">
        ms
      </text>
      <line
        x1={plot.left}
        x2={right}
        y1={crisp(bottom)}
        y2={crisp(bottom)}
        stroke={colors.axis}
        strokeOpacity={0.6}
      />
      {xTicks.map((t) => {
        const x = xPx(plot, t);
        const anchor = x - plot.left < 28 ? 'start' : right - x < 28 ? 'end' : 'middle';
        return (
          <g key={`x${t}`}>
            <line
              x1={crisp(x)}
              x2={crisp(x)}
              y1={bottom}
              y2={bottom + 4}
              stroke={colors.axis}
              strokeOpacity={0.6}
            />
            <text x={x} y={bottom + 16} textAnchor={anchor}>
              {formatTimeTick(t, span)}
            </text>
          </g>
        );
      })}
      {targetY !== null && (
        <line
          className="chart-target"
          x1={plot.left}
          x2={right}
          y1={crisp(targetY)}
          y2={crisp(targetY)}
          stroke={colors.target}
          strokeDasharray="6 4"
        />
      )}
    </g>
  );
}

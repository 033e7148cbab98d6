import { memo, useId, useMemo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { formatAxisMs, formatDateTime, formatMs, formatTargetMs, formatTimeTick } from '../../format';
import type { ChartColors } from '../../hooks';
import { latencyAxis } from '../../metrics/axis';
import {
  breakGaps,
  downsample,
  forLogScale,
  MAX_CHART_POINTS,
  summarizeSeries,
  typicalStep,
  type LatencyPoint,
} from '../../metrics/series';

export interface LatencyChartProps {
  /** Per-second (or coarser) points, oldest first; more than MAX_CHART_POINTS are bucketed. */
  points: readonly LatencyPoint[];
  from: number;
  to: number;
  targetMs: number | null;
  logScale: boolean;
  colors: ChartColors;
  /** Spoken range, e.g. "last 5 minutes". */
  rangeLabel: string;
  height?: number;
}

/** The text a screen reader gets instead of the lines. */
export function describeLatency(
  points: readonly LatencyPoint[],
  rangeLabel: string,
  targetMs: number | null,
) {
  const s = summarizeSeries(points);
  const target = targetMs === null ? '' : ` SLA target ${formatTargetMs(targetMs)}.`;
  if (!s.latest) return `Relay latency, ${rangeLabel}: no samples yet.${target}`;
  return (
    `Relay latency, ${rangeLabel}, ${s.points} points.` +
    ` Latest: p50 ${formatMs(s.latest.p50)}, p99 ${formatMs(s.latest.p99)}, max ${formatMs(s.latest.max)}.` +
    ` Worst p99 ${formatMs(s.worstP99)}, worst max ${formatMs(s.worstMax)}.${target}`
  );
}

function LatencyTooltip({ active, payload, spanMs }: TooltipContentProps & { spanMs: number }) {
  const row = payload?.[0]?.payload as LatencyPoint | undefined;
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-time">
        {spanMs > 86_400_000 ? formatDateTime(row.t) : formatTimeTick(row.t, 0)}
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
  );
}

const MARGIN = { top: 8, right: 16, bottom: 0, left: 4 };
const TICK_STYLE = { fontSize: 11 };

/**
 * p50, p99 and max per second against the SLA target. Live series never animate; rows are bounded
 * to MAX_CHART_POINTS and gaps (a stopped relay) break the lines instead of bridging them.
 */
export const LatencyChart = memo(function LatencyChart({
  points,
  from,
  to,
  targetMs,
  logScale,
  colors,
  rangeLabel,
  height = 260,
}: LatencyChartProps) {
  const descriptionId = useId();
  const rows = useMemo(() => {
    const bounded = downsample(points, MAX_CHART_POINTS);
    const gapped = breakGaps(bounded, typicalStep(bounded) * 3.5);
    return logScale ? forLogScale(gapped) : gapped;
  }, [points, logScale]);
  const axis = useMemo(() => latencyAxis(rows, targetMs, logScale), [rows, targetMs, logScale]);
  const description = useMemo(
    () => describeLatency(rows, rangeLabel, targetMs),
    [rows, rangeLabel, targetMs],
  );
  const spanMs = to - from;
  const line = { type: 'linear', dot: false, isAnimationActive: false, connectNulls: false } as const;

  return (
    <figure className="chart" aria-label={`Latency chart, ${rangeLabel}`} aria-describedby={descriptionId}>
      <p id={descriptionId} className="sr-only" aria-live="off">
        {description}
      </p>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={rows} margin={MARGIN}>
          <CartesianGrid stroke={colors.grid} vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[from, to]}
            allowDataOverflow
            tickFormatter={(t: number) => formatTimeTick(t, spanMs)}
            minTickGap={56}
            stroke={colors.axis}
            tick={TICK_STYLE}
            tickLine={false}
          />
          <YAxis
            scale={logScale ? 'log' : 'linear'}
            domain={axis.domain}
            ticks={axis.ticks}
            allowDataOverflow
            tickFormatter={formatAxisMs}
            stroke={colors.axis}
            tick={TICK_STYLE}
            tickLine={false}
            axisLine={false}
            width={52}
            label={{
              value: 'ms',
              position: 'insideTopLeft',
              offset: 0,
              dy: -6,
              dx: 6,
              fontSize: 11,
              fill: colors.axis,
            }}
          />
          <Tooltip
            content={(props) => <LatencyTooltip {...props} spanMs={spanMs} />}
            isAnimationActive={false}
            cursor={{ stroke: colors.axis, strokeDasharray: '3 3' }}
          />
          {targetMs !== null && (
            <ReferenceLine
              y={targetMs}
              stroke={colors.target}
              strokeDasharray="6 4"
              ifOverflow="hidden"
              label={{
                value: `SLA ${formatTargetMs(targetMs)}`,
                position: 'insideTopRight',
                fill: colors.target,
                fontSize: 11,
              }}
            />
          )}
          <Line {...line} dataKey="max" name="max" stroke={colors.max} strokeWidth={1} strokeOpacity={0.7} />
          <Line {...line} dataKey="p99" name="p99" stroke={colors.p99} strokeWidth={1.5} />
          <Line {...line} dataKey="p50" name="p50" stroke={colors.p50} strokeWidth={1.75} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});

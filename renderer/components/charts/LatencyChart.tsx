import { memo, useId, useMemo, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatMs, formatTargetMs } from '../../format';
import type { ChartColors } from '../../hooks';
import { latencyAxis, localTimeTicks } from '../../metrics/axis';
import { nearestIndex, tAt, type Plot } from '../../metrics/plot';
import {
  breakGaps,
  downsample,
  forLogScale,
  MAX_CHART_POINTS,
  summarizeSeries,
  typicalStep,
  type LatencyPoint,
} from '../../metrics/series';
import { ChartCursor } from './ChartCursor';
import { ChartFrame, TargetLabel } from './ChartFrame';
import { SeriesPaths, type SeriesStyle } from './SeriesPaths';
import { TierSegments } from './TierSegments';
import { tierSegments } from '../../metrics/tier-segments';
import { useElementWidth } from './useElementWidth';

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
  /** Spacing of the points as recorded (1 s live, the bucket width for history): gaps are wider. */
  stepMs?: number;
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
    ` Worst p99 ${formatMs(s.worstP99)}, worst max ${formatMs(s.worstMax)}.${target}` +
    ' Use the left and right arrow keys to read individual points.'
  );
}

const MARGIN = { top: 22, right: 16, bottom: 24, left: 52 };

/**
 * p50, p99 and max per second against the SLA target, drawn as plain SVG: a live update of an hour
 * of points re-renders three paths and nothing else. Rows are bounded to MAX_CHART_POINTS and gaps
 * (a stopped relay) break the lines instead of bridging them. Hover or arrow keys read a point.
 */
export const LatencyChart = memo(function LatencyChart({
  points,
  from,
  to,
  targetMs,
  logScale,
  colors,
  rangeLabel,
  stepMs = 1000,
  height = 260,
}: LatencyChartProps) {
  const descriptionId = useId();
  const clipId = useId();
  const [ref, width] = useElementWidth<HTMLElement>();
  const [cursorT, setCursorT] = useState<number | null>(null);

  const rows = useMemo(() => {
    const bounded = downsample(points, MAX_CHART_POINTS);
    const gapped = breakGaps(bounded, Math.max(stepMs, typicalStep(bounded)) * 3.5);
    return logScale ? forLogScale(gapped) : gapped;
  }, [points, logScale, stepMs]);
  // Each tier's stretch is judged against its own target; without tiers (older history) the one target.
  const segments = useMemo(() => tierSegments(points), [points]);
  const axis = useMemo(() => latencyAxis(rows, targetMs, logScale), [rows, targetMs, logScale]);
  const xTicks = useMemo(
    () => localTimeTicks(from, to, Math.max(2, Math.floor(width / 130))),
    [from, to, width],
  );
  const description = useMemo(
    () => describeLatency(rows, rangeLabel, targetMs),
    [rows, rangeLabel, targetMs],
  );
  const [y0, y1] = axis.domain;
  const plot: Plot = useMemo(
    () => ({
      left: MARGIN.left,
      top: MARGIN.top,
      width: Math.max(0, width - MARGIN.left - MARGIN.right),
      height: height - MARGIN.top - MARGIN.bottom,
      x0: from,
      x1: to,
      y0,
      y1,
      log: logScale,
    }),
    [width, height, from, to, y0, y1, logScale],
  );
  const series: readonly SeriesStyle[] = useMemo(
    () => [
      { key: 'max', color: colors.max, width: 1, opacity: 0.7 },
      { key: 'p99', color: colors.p99, width: 1.5 },
      { key: 'p50', color: colors.p50, width: 1.75 },
    ],
    [colors],
  );

  const cursorIndex = cursorT === null ? -1 : nearestIndex(rows, cursorT);
  const cursorRow = cursorIndex >= 0 ? rows[cursorIndex] : undefined;
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - box.left;
    setCursorT(px < plot.left || px > plot.left + plot.width ? null : tAt(plot, px));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const present = rows.filter((r) => r.max != null);
    if (present.length === 0) return;
    const at = cursorRow ? present.indexOf(cursorRow) : present.length;
    const step = event.shiftKey ? 10 : 1;
    const next =
      event.key === 'ArrowLeft'
        ? Math.max(0, at - step)
        : event.key === 'ArrowRight'
          ? Math.min(present.length - 1, at + step)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? present.length - 1
              : null;
    if (event.key === 'Escape') setCursorT(null);
    if (next === null) return;
    event.preventDefault();
    setCursorT((present[next] as LatencyPoint).t);
  };

  return (
    <figure
      ref={ref}
      className="chart latency-chart"
      style={{ height }}
      aria-label={`Latency chart, ${rangeLabel}`}
      aria-describedby={descriptionId}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onBlur={() => setCursorT(null)}
    >
      <p id={descriptionId} className="sr-only">
        {description}
      </p>
      {width > 0 && (
        <svg
          width={width}
          height={height}
          aria-hidden="true"
          onPointerMove={onPointerMove}
          onPointerLeave={() => setCursorT(null)}
        >
          <defs>
            <clipPath id={clipId}>
              <rect x={plot.left} y={plot.top - 2} width={plot.width} height={plot.height + 4} />
            </clipPath>
          </defs>
          <ChartFrame
            plot={plot}
            xTicks={xTicks}
            yTicks={axis.ticks}
            targetMs={segments.length ? null : targetMs}
            colors={colors}
          />
          <SeriesPaths rows={rows} series={series} plot={plot} clipId={clipId} />
          {segments.length ? (
            <TierSegments plot={plot} segments={segments} colors={colors} />
          ) : (
            <TargetLabel plot={plot} targetMs={targetMs} colors={colors} />
          )}
        </svg>
      )}
      {cursorRow && <ChartCursor plot={plot} row={cursorRow} colors={colors} chartWidth={width} />}
    </figure>
  );
});

import { memo } from 'react';
import { seriesPath, type Plot } from '../../metrics/plot';
import type { LatencyPoint } from '../../metrics/series';

export interface SeriesStyle {
  key: 'p50' | 'p99' | 'max';
  color: string;
  width: number;
  opacity?: number;
}

/** One plain path per series, clipped to the plot: the part of the chart that changes every second. */
export const SeriesPaths = memo(function SeriesPaths({
  rows,
  series,
  plot,
  clipId,
}: {
  rows: readonly LatencyPoint[];
  series: readonly SeriesStyle[];
  plot: Plot;
  clipId: string;
}) {
  return (
    <g className="latency-series" clipPath={`url(#${clipId})`}>
      {series.map((s) => (
        <path
          key={s.key}
          className={`series-${s.key}`}
          d={seriesPath(rows, s.key, plot)}
          fill="none"
          stroke={s.color}
          strokeWidth={s.width}
          strokeOpacity={s.opacity ?? 1}
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      ))}
    </g>
  );
});

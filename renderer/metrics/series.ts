import type { HistoryPoint, LatencySummary } from './types';

/** One row of the latency chart: a second (or a bucket of seconds) with its three series. */
export interface LatencyPoint {
  t: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** The tier the point was measured under; absent or null when unknown or mixed. */
  tier?: string | null;
}

/** Most points any chart series holds; longer ranges are bucketed down to this. */
export const MAX_CHART_POINTS = 1000;

/** A per-second summary as a chart row; a second with no samples has no values (a gap, not zero). */
export function latencyPoint(t: number, latency: LatencySummary, tier?: string): LatencyPoint {
  if (latency.n === 0) return { t, p50: null, p99: null, max: null, tier };
  return { t, p50: latency.p50, p99: latency.p99, max: latency.max, tier };
}

export function historyToPoints(points: readonly HistoryPoint[]): LatencyPoint[] {
  return points.map(({ t, n, p50, p99, max, tier }) =>
    n === 0 ? { t, p50: null, p99: null, max: null, tier } : { t, p50, p99, max, tier },
  );
}

/**
 * Appends in time order and keeps at most `limit` points, dropping the oldest. Returns a new array
 * (React state); a point older than the last one is ignored, one at the same second replaces it.
 */
export function appendBounded<T extends { t: number }>(series: readonly T[], point: T, limit: number): T[] {
  const last = series[series.length - 1];
  if (last && point.t < last.t) return series as T[];
  const base = last && point.t === last.t ? series.slice(0, -1) : series;
  const start = Math.max(0, base.length + 1 - limit);
  const next = base.slice(start);
  next.push(point);
  return next;
}

/** Keeps the points at or after `from`. */
export function since<T extends { t: number }>(series: readonly T[], from: number): T[] {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series[mid] as T).t < from) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? (series as T[]) : series.slice(lo);
}

const NICE_STEPS_MS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** The smallest round bucket width that fits `spanMs` into `maxPoints` buckets. */
export function bucketWidth(spanMs: number, maxPoints: number): number {
  const raw = spanMs / Math.max(1, maxPoints);
  return NICE_STEPS_MS.find((step) => step >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

/** Median of the present values; sorts `scratch` in place (callers pass a reusable buffer). */
function medianInPlace(scratch: number[]): number | null {
  if (scratch.length === 0) return null;
  scratch.sort((a, b) => a - b);
  const mid = scratch.length >> 1;
  return scratch.length % 2
    ? (scratch[mid] as number)
    : ((scratch[mid - 1] as number) + (scratch[mid] as number)) / 2;
}

/**
 * Buckets a series into at most ~`maxPoints` time-aligned buckets. Buckets are aligned to round
 * multiples of their width so they do not shift as live points arrive. p99 and max keep the worst
 * second of each bucket (spikes stay visible); p50 keeps the median second. Percentiles are not
 * averaged: exact merged percentiles come from history.query's own resolutions.
 */
export function downsample(points: readonly LatencyPoint[], maxPoints = MAX_CHART_POINTS): LatencyPoint[] {
  if (points.length <= maxPoints) return points as LatencyPoint[];
  const first = points[0] as LatencyPoint;
  const last = points[points.length - 1] as LatencyPoint;
  const width = bucketWidth(last.t - first.t + 1, maxPoints - 1);
  const out: LatencyPoint[] = [];
  // One pass, no per-bucket arrays: this runs on every live update of a long range.
  const p50s: number[] = [];
  let key = Math.floor(first.t / width);
  let p99: number | null = null;
  let max: number | null = null;
  let count = 0;
  const flush = () => {
    if (count > 0) out.push({ t: key * width, p50: medianInPlace(p50s), p99, max });
    p50s.length = 0;
    p99 = null;
    max = null;
    count = 0;
  };
  for (const point of points) {
    const k = Math.floor(point.t / width);
    if (k !== key) {
      flush();
      key = k;
    }
    count++;
    if (point.p50 != null) p50s.push(point.p50);
    if (point.p99 != null && (p99 === null || point.p99 > p99)) p99 = point.p99;
    if (point.max != null && (max === null || point.max > max)) max = point.max;
  }
  flush();
  return out;
}

/**
 * Inserts an empty row wherever consecutive points are further apart than `gapMs`, so lines break
 * across a stopped relay instead of drawing a straight line over the hole.
 */
export function breakGaps(points: readonly LatencyPoint[], gapMs: number): LatencyPoint[] {
  const out: LatencyPoint[] = [];
  let previous: LatencyPoint | undefined;
  for (const point of points) {
    if (previous && point.t - previous.t > gapMs) {
      out.push({ t: previous.t + 1, p50: null, p99: null, max: null });
    }
    out.push(point);
    previous = point;
  }
  return out;
}

/** The typical spacing of a series, for gap detection: the median step between points. */
export function typicalStep(points: readonly { t: number }[]): number {
  if (points.length < 2) return 1000;
  const steps: number[] = [];
  const stride = Math.max(1, Math.floor(points.length / 64));
  for (let i = stride; i < points.length; i += stride) {
    steps.push(((points[i] as { t: number }).t - (points[i - stride] as { t: number }).t) / stride);
  }
  steps.sort((a, b) => a - b);
  // The lower quartile: robust to a few gaps, which only ever lengthen steps.
  return Math.max(1, steps[steps.length >> 2] ?? 1000);
}

/** On a log axis zero and negatives cannot be drawn: show them as gaps rather than break the chart. */
export function forLogScale(points: readonly LatencyPoint[], floor = 0.001): LatencyPoint[] {
  const fix = (v: number | null) => (v == null ? null : v <= 0 ? floor : v);
  return points.map((p) => ({ t: p.t, p50: fix(p.p50), p99: fix(p.p99), max: fix(p.max) }));
}

export interface SeriesSummary {
  points: number;
  latest: LatencyPoint | null;
  worstMax: number | null;
  worstP99: number | null;
}

/** What a screen reader hears for a chart: the latest second and the worst of the range. */
export function summarizeSeries(points: readonly LatencyPoint[]): SeriesSummary {
  let latest: LatencyPoint | null = null;
  let present = 0;
  let worstMax: number | null = null;
  let worstP99: number | null = null;
  for (const p of points) {
    if (p.max != null) {
      present++;
      if (worstMax === null || p.max > worstMax) worstMax = p.max;
    }
    if (p.p99 != null && (worstP99 === null || p.p99 > worstP99)) worstP99 = p.p99;
    if (p.p50 != null || p.p99 != null || p.max != null) latest = p;
  }
  return { points: present, latest, worstMax, worstP99 };
}

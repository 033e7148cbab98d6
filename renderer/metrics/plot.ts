import type { LatencyPoint } from './series';

/** A plot area in pixels and the data domains it shows: x is time, y linear or logarithmic. */
export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  log: boolean;
}

export function xPx(plot: Plot, t: number): number {
  return plot.left + ((t - plot.x0) * plot.width) / (plot.x1 - plot.x0 || 1);
}

export function yPx(plot: Plot, v: number): number {
  const bottom = plot.top + plot.height;
  if (plot.log) {
    if (v <= 0) return bottom;
    const l0 = Math.log(plot.y0);
    return bottom - ((Math.log(v) - l0) * plot.height) / (Math.log(plot.y1) - l0 || 1);
  }
  return bottom - ((v - plot.y0) * plot.height) / (plot.y1 - plot.y0 || 1);
}

/** The time under a pixel column. */
export function tAt(plot: Plot, px: number): number {
  return plot.x0 + ((px - plot.left) / (plot.width || 1)) * (plot.x1 - plot.x0);
}

/** Index of the row nearest in time to `t` among rows with a value (-1 when none). */
export function nearestIndex(rows: readonly LatencyPoint[], t: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as LatencyPoint).t < t) lo = mid + 1;
    else hi = mid;
  }
  const candidates = [lo - 1, lo].filter((i) => i >= 0 && rows[i]?.max != null);
  if (candidates.length === 0) return -1;
  return candidates.reduce((best, i) =>
    Math.abs((rows[i] as LatencyPoint).t - t) < Math.abs((rows[best] as LatencyPoint).t - t) ? i : best,
  );
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * An SVG path through one series; a missing value lifts the pen, so gaps stay gaps. A point with
 * no neighbour on either side gets a zero-length stroke, which round caps draw as a dot.
 */
export function seriesPath(rows: readonly LatencyPoint[], key: 'p50' | 'p99' | 'max', plot: Plot): string {
  const xk = plot.width / (plot.x1 - plot.x0 || 1);
  const ly0 = plot.log ? Math.log(plot.y0) : plot.y0;
  const yk = plot.height / ((plot.log ? Math.log(plot.y1) : plot.y1) - ly0 || 1);
  const bottom = plot.top + plot.height;
  let d = '';
  let run = 0;
  for (const row of rows) {
    const value = row[key];
    if (value == null || (plot.log && value <= 0)) {
      if (run === 1) d += 'l0,0';
      run = 0;
      continue;
    }
    const px = plot.left + (row.t - plot.x0) * xk;
    const py = bottom - ((plot.log ? Math.log(value) : value) - ly0) * yk;
    d += `${run > 0 ? 'L' : 'M'}${round1(px)},${round1(py)}`;
    run++;
  }
  if (run === 1) d += 'l0,0';
  return d;
}

import { linearTicks, logTicks, niceCeil, timeTicks } from '../../shared/format';
import type { LatencyPoint } from './series';

export interface YAxisSpec {
  domain: [number, number];
  ticks: number[];
}

function extent(points: readonly LatencyPoint[]): { min: number; max: number } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    for (const v of [p.p50, p.p99, p.max]) {
      if (v == null || v <= 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Number.isFinite(min) ? { min, max } : null;
}

/**
 * Time ticks for the panel's charts, in the user's local zone (local midnights), at most `maxTicks`.
 * Given explicitly, they spare the chart measuring label widths on every update and keep labels still.
 */
export function localTimeTicks(from: number, to: number, maxTicks = 6): number[] {
  return timeTicks(from, to, maxTicks, -new Date(from).getTimezoneOffset() * 60_000).ticks;
}

/**
 * The latency axis. Log scale always includes the SLA target, so the distance to it reads at a
 * glance; linear includes it only when it is near the data (else everything would sit on the floor).
 */
export function latencyAxis(
  points: readonly LatencyPoint[],
  targetMs: number | null,
  log: boolean,
): YAxisSpec {
  const range = extent(points);
  const target = targetMs ?? null;
  if (log) {
    const lo0 = Math.min(range?.min ?? target ?? 0.1, target ?? Number.POSITIVE_INFINITY);
    const hi0 = Math.max(range?.max ?? target ?? 10, target ?? 0);
    const lo = 10 ** Math.floor(Math.log10(Math.max(lo0, 0.001)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(hi0 * 1.05, lo * 10)));
    return { domain: [lo, hi], ticks: logTicks(lo, hi) };
  }
  const dataMax = range?.max ?? 0;
  const withTarget = target !== null && (dataMax === 0 || target <= dataMax * 3);
  const top = Math.max(dataMax * 1.1, withTarget && target !== null ? target * 1.1 : 0);
  const domainTop = niceCeil(top || 1);
  return { domain: [0, domainTop], ticks: linearTicks(domainTop) };
}

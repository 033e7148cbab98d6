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

const LOG_MANTISSAS = [1, 2, 5];

/** Ticks at 1, 2, 5 × 10^k inside [lo, hi]; thinned to at most ~7. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let exp = Math.floor(Math.log10(lo)); exp <= Math.ceil(Math.log10(hi)); exp++) {
    for (const m of LOG_MANTISSAS) {
      const v = Number((m * 10 ** exp).toPrecision(3));
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  if (ticks.length <= 7) return ticks;
  return ticks.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
}

/** A round number at or above v: 1, 2, 2.5, 5 × 10^k. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(v));
  const m = [1, 2, 2.5, 5, 10].find((step) => step * exp >= v - 1e-12) ?? 10;
  return Number((m * exp).toPrecision(6));
}

/** Evenly spaced round ticks from 0 to `top` (about `count` of them). */
export function linearTicks(top: number, count = 5): number[] {
  const step = niceCeil(top / count);
  const ticks: number[] = [];
  for (let v = 0; v <= top + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const TIME_STEPS_MS = [
  1000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * Round times for a time axis (whole minutes, hours, local midnights), at most `maxTicks`. Given
 * explicitly, they spare the chart measuring label widths on every update and keep labels still.
 */
export function timeTicks(from: number, to: number, maxTicks = 6, tzOffsetMs?: number): number[] {
  const span = Math.max(1, to - from);
  const step =
    TIME_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const offset = tzOffsetMs ?? -new Date(from).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) ticks.push(t);
  return ticks;
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

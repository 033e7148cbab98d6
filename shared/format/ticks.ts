/**
 * Axis ticks, one algorithm for the panel's charts and the report's SVG charts, so both pick the
 * same round values. Pure: the time zone is a parameter (the panel passes its local offset, the
 * report UTC), never read from the environment here.
 */

const LOG_MANTISSAS = [1, 2, 5];

/** Ticks at 1, 2, 5 × 10^k inside [lo, hi]; decades only when that would be more than `maxTicks`. */
export function logTicks(lo: number, hi: number, maxTicks = 7): number[] {
  const ticks: number[] = [];
  for (let exp = Math.floor(Math.log10(lo)); exp <= Math.ceil(Math.log10(hi)); exp++) {
    for (const m of LOG_MANTISSAS) {
      const v = Number((m * 10 ** exp).toPrecision(3));
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  if (ticks.length <= maxTicks) return ticks;
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

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;

const TIME_STEPS_MS = [
  SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY_MS,
  2 * DAY_MS,
  7 * DAY_MS,
];

export interface TimeTicks {
  readonly ticks: number[];
  /** The spacing chosen, for labels that show just enough to tell the ticks apart. */
  readonly step: number;
}

/**
 * Round instants for a time axis (whole minutes, hours, midnights in the given zone), at most
 * `maxTicks`. `tzOffsetMs` is the zone's offset east of UTC (0: UTC midnights).
 */
export function timeTicks(from: number, to: number, maxTicks = 6, tzOffsetMs = 0): TimeTicks {
  const span = Math.max(1, to - from);
  const step =
    TIME_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY_MS) * DAY_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + tzOffsetMs) / step) * step - tzOffsetMs; t <= to; t += step) ticks.push(t);
  return { ticks, step };
}

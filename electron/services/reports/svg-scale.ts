/**
 * Scales and ticks for the report's charts. Latency axes are logarithmic: a 5 ms target and a
 * 1,000 ms timeout must both be readable on one chart. Time axes are UTC, labelled like the tables.
 */

export interface LogScale {
  readonly min: number;
  readonly max: number;
  /** Pixel y for a value, clamped into the domain (a zero latency sits on the floor). */
  y(value: number): number;
  readonly ticks: number[];
}

/** A log scale over whole 1-2-5 steps covering [lo, hi], mapped onto [bottom, top] pixels. */
export function logScale(lo: number, hi: number, bottom: number, top: number): LogScale {
  const floor = Math.max(lo, 0.001);
  const min = Math.pow(10, Math.floor(Math.log10(floor)));
  let max = Math.pow(10, Math.ceil(Math.log10(Math.max(hi, min * 10))));
  if (max <= min) max = min * 10;
  const lmin = Math.log10(min);
  const span = Math.log10(max) - lmin;
  const decades = Math.round(span);
  // Few decades: label 1, 2 and 5; many: decades only, or the labels collide.
  const steps = decades <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = Math.round(lmin); e <= Math.round(Math.log10(max)); e++) {
    for (const s of steps) {
      const v = s * Math.pow(10, e);
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return {
    min,
    max,
    ticks,
    y: (value) => {
      const v = Math.min(max, Math.max(min, value));
      return bottom - ((Math.log10(v) - lmin) / span) * (bottom - top);
    },
  };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/** Tick instants on whole UTC steps, about `want` of them across [from, to]. */
export function timeTicks(from: number, to: number, want = 7): { ticks: number[]; step: number } {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= want) ?? Math.ceil(span / want / DAY) * DAY;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { ticks, step };
}

/** "14:05", "14:05:30", "01-31 14:00" or "01-31": just enough to tell ticks apart, in UTC. */
export function timeLabel(t: number, step: number, span: number): string {
  const iso = new Date(t).toISOString();
  const day = iso.slice(5, 10);
  const hm = iso.slice(11, 16);
  if (step >= DAY) return day;
  if (span > DAY) return `${day} ${hm}`;
  return step < MINUTE ? iso.slice(11, 19) : hm;
}

/** Latency for axis labels: "0.5", "5", "1,000". */
export function msLabel(v: number): string {
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

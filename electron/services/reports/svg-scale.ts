/**
 * Scales and ticks for the report's charts. Latency axes are logarithmic: a 5 ms target and a
 * 1,000 ms timeout must both be readable on one chart. Time axes are UTC, labelled like the tables.
 * The tick algorithm is the panel's own (shared/format/ticks.ts).
 */

import { DAY_MS, logTicks, timeTicks, type TimeTicks } from '../../../shared/format';

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
  const ticks = logTicks(min, max);
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

const MINUTE = 60_000;

/** Tick instants on whole UTC steps, at most `want` of them across [from, to]. */
export function utcTimeTicks(from: number, to: number, want = 7): TimeTicks {
  return timeTicks(from, to, want, 0);
}

/** "14:05", "14:05:30", "01-31 14:00" or "01-31": just enough to tell ticks apart, in UTC. */
export function timeLabel(t: number, step: number, span: number): string {
  const iso = new Date(t).toISOString();
  const day = iso.slice(5, 10);
  const hm = iso.slice(11, 16);
  if (step >= DAY_MS) return day;
  if (span > DAY_MS) return `${day} ${hm}`;
  return step < MINUTE ? iso.slice(11, 19) : hm;
}

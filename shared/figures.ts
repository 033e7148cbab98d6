import {
  WINDOW_NAMES,
  type LatenessSummary,
  type MetricsTick,
  type WindowCoverage,
  type WindowName,
} from './metrics';

/**
 * One definition per figure the panel prints, used by every view that prints it (the Dashboard's
 * cards, the SLA test table and its summary line, the HTML/JSON reports). Pure: runs in the main
 * process and in the browser. Compliance and the verdict live in sla.ts.
 */

/** What became of one probe. Misses are everything but `within`. */
export type SampleOutcome = 'within' | 'over-target' | 'error' | 'timeout';

/**
 * A success within the target is `within`, a slower success `over-target`. A failure that waited the
 * probe timeout out is a `timeout`; any other failure (non-200, reset, refused, relay down) an `error`.
 */
export function sampleOutcome(
  ok: boolean,
  latencyMs: number,
  targetMs: number,
  timeoutMs: number,
): SampleOutcome {
  if (ok) return latencyMs <= targetMs ? 'within' : 'over-target';
  return latencyMs >= timeoutMs ? 'timeout' : 'error';
}

/** Misses broken out: `misses` = overTarget + errors + timeouts, always. */
export interface MissCounts {
  n: number;
  overTarget: number;
  errors: number;
  timeouts: number;
  misses: number;
}

export function emptyMissCounts(): MissCounts {
  return { n: 0, overTarget: 0, errors: 0, timeouts: 0, misses: 0 };
}

/** Adds one sample to `counts` (mutated: reports count millions of samples). */
export function countOutcome(counts: MissCounts, outcome: SampleOutcome): void {
  counts.n++;
  if (outcome === 'within') return;
  counts.misses++;
  if (outcome === 'over-target') counts.overTarget++;
  else if (outcome === 'error') counts.errors++;
  else counts.timeouts++;
}

export function countMisses(
  samples: Iterable<readonly [number, number, boolean, ...unknown[]]>,
  targetMs: number,
  timeoutMs: number,
): MissCounts {
  const counts = emptyMissCounts();
  for (const [, latency, ok] of samples)
    countOutcome(counts, sampleOutcome(ok, latency, targetMs, timeoutMs));
  return counts;
}

/** "71 of 3,000 (over target 68, errors 2, timeouts 1)". */
export function formatMisses(
  m: Pick<MissCounts, 'n' | 'misses' | 'overTarget' | 'errors' | 'timeouts'>,
): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(m.misses)} of ${n(m.n)} (over target ${n(m.overTarget)}, errors ${n(m.errors)}, timeouts ${n(m.timeouts)})`;
}

/** first ÷ last: above 1 the later figure is lower (faster), below 1 it is higher. */
export function ratio(first: number | null | undefined, last: number | null | undefined): number | null {
  return first != null && last != null && first > 0 && last > 0 ? first / last : null;
}

export interface Comparison {
  /** How many times apart, ≥ 1. */
  readonly factor: number;
  readonly direction: 'lower' | 'higher' | 'the same';
}

/** Reads a first ÷ last ratio as "the later figure is N× lower/higher". Within 5% reads as the same. */
export function compareRatio(firstOverLast: number | null): Comparison | null {
  if (firstOverLast === null || !(firstOverLast > 0) || !Number.isFinite(firstOverLast)) return null;
  const factor = firstOverLast >= 1 ? firstOverLast : 1 / firstOverLast;
  if (factor < 1.05) return { factor, direction: 'the same' };
  return { factor, direction: firstOverLast > 1 ? 'lower' : 'higher' };
}

export function formatComparison(c: Comparison | null): string {
  if (c === null) return '—';
  if (c.direction === 'the same') return 'about the same';
  return `${c.factor.toFixed(1)}× ${c.direction}`;
}

/** The SLA test's summary line, e.g. "enterprise against free: average 1.3× higher, …". */
export function improvementLine(i: {
  from: string;
  to: string;
  mean: number | null;
  p999: number | null;
  max: number | null;
}): string {
  const part = (label: string, r: number | null) => `${label} ${formatComparison(compareRatio(r))}`;
  return `${i.to} against ${i.from}: ${part('average', i.mean)}, ${part('p99.9', i.p999)}, ${part('max', i.max)}.`;
}

/**
 * From this p99 of its own lateness on, the probe itself was the slow part worth naming: a timer's
 * usual jitter is under a millisecond, so more means the machine kept the probe from running.
 */
export const PROBE_LATE_P99_MS = 1;

/** "probe late by 4.1 ms p99 this window: the machine was busy", or null when the probe kept time. */
export function probeLatenessNote(
  late: LatenessSummary | null | undefined,
  scope = 'this window',
): string | null {
  if (!late || late.n === 0 || late.p99 === null || late.p99 < PROBE_LATE_P99_MS) return null;
  return `probe late by ${late.p99.toFixed(1)} ms p99 ${scope}: the machine was busy (latency still counts from the intended send time)`;
}

/**
 * "includes up to 0.09 ms p99 of the probe's own time": what of each figure may be the probe's work
 * rather than the relay's (its busy time between a request's write and the answer's stamp; the part of
 * it spent before the answer arrived delayed nothing, so this is an upper bound). Null before a
 * probe that measures it has reported.
 */
export function probeOwnTimeNote(own: LatenessSummary | null | undefined): string | null {
  if (!own || own.n === 0 || own.p50 === null || own.p99 === null) return null;
  return `includes up to ${own.p50.toFixed(2)} ms (p50), ${own.p99.toFixed(2)} ms (p99) of the probe's own time`;
}

/** A latency figure in tables and reports: two decimals and the unit. */
export function formatFigureMs(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? '—' : `${value.toFixed(2)} ms`;
}

/** A fraction as a percentage, e.g. compliance 0.99766 → "99.77%". */
export function formatFraction(value: number | null | undefined, digits = 2): string {
  return value == null || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/**
 * A window's coverage: the slots a fixed schedule at `rateHz` had in the window's whole seconds since
 * measuring began (`since`), against the samples it holds. Seconds spent waiting for the first block
 * or with the probe down count as slots without samples.
 */
export function windowCoverage(
  n: number,
  rateHz: number,
  spanMs: number,
  since: number,
  newestSecond: number | null,
): WindowCoverage {
  if (newestSecond === null) return { expected: 0, share: null };
  const firstSecond = Math.floor(since / 1000) * 1000;
  const seconds = Math.max(0, Math.min(spanMs / 1000, (newestSecond - firstSecond) / 1000 + 1));
  const expected = Math.round(seconds * rateHz);
  return { expected, share: expected === 0 ? null : Math.min(1, n / expected) };
}

/** "covered 91.8% (1,836 of 2,000 slots)". */
export function formatCoverage(n: number, c: WindowCoverage): string {
  if (c.share === null) return 'coverage —';
  return `covered ${formatFraction(c.share, 1)} (${n.toLocaleString('en-US')} of ${c.expected.toLocaleString('en-US')} slots)`;
}

/** Each live window's span, for its coverage; the session spans everything since measuring began. */
export const WINDOW_SPAN_MS: Readonly<Record<WindowName, number>> = {
  '1m': 60_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  session: Infinity,
};

/** Every live window's coverage at `rateHz` since `since`, up to the newest closed second. */
export function coverageByWindow(
  windows: MetricsTick['windows'],
  rateHz: number,
  since: number,
  newestSecond: number | null,
): NonNullable<MetricsTick['coverage']> {
  const out = {} as NonNullable<MetricsTick['coverage']>;
  for (const name of WINDOW_NAMES) {
    out[name] = windowCoverage(windows[name].latency.n, rateHz, WINDOW_SPAN_MS[name], since, newestSecond);
  }
  return out;
}

import {
  Float64Histogram,
  JsHistogram,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';

/**
 * One HDR histogram configuration for every latency the panel records, so any two histograms (a
 * second from today and an hour from last month) merge exactly: values are integer microseconds,
 * 1 µs to 60 s, 3 significant digits (every value within 0.1%).
 *
 * The pure-JS implementation, not WASM: the windows need tens of histograms alive at once and the
 * history merges decode thousands; JS ones are garbage-collected like any object, while WASM ones
 * live in a linear memory that only grows and must be destroy()ed by hand. Per-operation speed is
 * not the bottleneck here (a handful of samples per second). Counts are Float64 (exact to 2^53):
 * a session or an hour bucket can exceed Int32 per bucket at 100 Hz over long runs.
 */
export const LOWEST_US = 1;
export const HIGHEST_US = 60_000_000;
export const SIGNIFICANT_DIGITS = 3;

export type Hdr = Float64Histogram;

export function newHistogram(): Hdr {
  return new Float64Histogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS);
}

/** Milliseconds (µs resolution) to the histogram's integer µs, clamped to its range. */
export function toMicros(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(HIGHEST_US, Math.round(ms * 1000));
}

/** The standard compressed HDR encoding (V2, deflated): readable by HdrHistogram in any language. */
export function encodeHistogram(h: Histogram): Uint8Array {
  return Buffer.from(encodeIntoCompressedBase64(h), 'base64');
}

export function decodeHistogram(bytes: Uint8Array): JsHistogram {
  const h = decodeFromCompressedBase64(Buffer.from(bytes).toString('base64'), 64, false);
  // Always true without WebAssembly; checked so add() below gets the class it requires.
  if (!(h instanceof JsHistogram)) throw new TypeError('decoded histogram is not a JS histogram');
  return h;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
}

const PS = [50, 90, 99, 99.9] as const;

/**
 * p50/p90/p99/p99.9 in ms from one pass over the counts, with HdrHistogram's own definition (the
 * highest value equivalent to the bucket holding the ceil(p·n)-th value). `maxUs`, when known
 * exactly, caps them: a bucket's upper edge may lie above the largest value actually seen.
 * Works on histograms that had counts subtracted (their cached max may be stale; we never read it).
 */
export function percentilesMs(h: Hdr, total: number, maxUs?: number): Percentiles | null {
  if (total <= 0) return null;
  const targets = PS.map((p) => Math.max(1, Math.ceil((p / 100) * total - 1e-9)));
  const out: number[] = [];
  let cumulative = 0;
  for (let i = 0; i < h.countsArrayLength && out.length < targets.length; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    cumulative += c;
    while (out.length < targets.length && cumulative >= (targets[out.length] ?? Infinity)) {
      out.push(h.highestEquivalentValue(h.valueFromIndex(i)));
    }
  }
  const cap = maxUs ?? Infinity;
  const ms = (us: number | undefined): number => Math.min(us ?? cap, cap) / 1000;
  return { p50: ms(out[0]), p90: ms(out[1]), p99: ms(out[2]), p999: ms(out[3]) };
}

/** A histogram's non-empty buckets as (value, count) pairs: recording them rebuilds it exactly. */
export function bucketsOf(h: JsHistogram): { values: Float64Array; counts: Float64Array } {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    values.push(h.valueFromIndex(i));
    counts.push(c);
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

/** Add (count > 0) or remove (count < 0) `count` occurrences of each value. */
export function applyValues(
  h: Hdr,
  values: ArrayLike<number>,
  counts: ArrayLike<number> | null,
  sign: 1 | -1,
): void {
  for (let i = 0; i < values.length; i++) {
    h.recordValueWithCount(values[i] ?? 0, sign * (counts ? (counts[i] ?? 0) : 1));
  }
}

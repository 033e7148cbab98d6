import type { LatencySummary } from '../../../shared/metrics';
import { applyValues, newHistogram, percentilesMs, type Hdr } from './hdr';

/**
 * A closed stretch of samples in compact form: distinct histogram values (µs) with their counts, plus
 * exact n, misses, sum and max. A second keeps its raw values (count 1 each, a few dozen at most); a
 * minute groups them by HDR bucket, which records into a histogram exactly as its values would.
 * Dense HDR histograms are 140 KB each, so a day of per-minute ones (1,440) could not stay in memory;
 * these stay in the low kilobytes.
 */
export interface Unit {
  readonly t: number;
  readonly values: Float64Array;
  /** null: each value counts once. */
  readonly counts: Float64Array | null;
  readonly n: number;
  readonly misses: number;
  readonly sumUs: number;
  readonly maxUs: number;
}

const EMPTY_LATENCY: LatencySummary = {
  n: 0,
  misses: 0,
  p50: null,
  p90: null,
  p99: null,
  p999: null,
  max: null,
  mean: null,
};

export function summarize(h: Hdr, n: number, misses: number, sumUs: number, maxUs: number): LatencySummary {
  const p = percentilesMs(h, n, maxUs);
  if (!p || n === 0) return { ...EMPTY_LATENCY, misses };
  return { n, misses, ...p, max: maxUs / 1000, mean: sumUs / n / 1000 };
}

/** A FIFO of units with O(1) amortised removal from the front. */
class UnitQueue {
  private items: Unit[] = [];
  private head = 0;

  push(u: Unit): void {
    this.items.push(u);
  }
  get front(): Unit | undefined {
    return this.items[this.head];
  }
  shift(): Unit | undefined {
    const u = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return u;
  }
  maxUs(): number {
    let max = 0;
    for (let i = this.head; i < this.items.length; i++) max = Math.max(max, this.items[i]?.maxUs ?? 0);
    return max;
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

/**
 * A sliding window that is the exact merge of the units inside it: a unit entering is added to one
 * dense histogram, a unit leaving is subtracted from it, so a window costs O(samples) per tick, never
 * a re-merge of thousands of histograms. Percentiles are therefore those of the merged distribution,
 * never averages of per-unit percentiles.
 */
export class SlidingWindow {
  private readonly hist = newHistogram();
  private readonly queue = new UnitQueue();
  private n = 0;
  private misses = 0;
  private sumUs = 0;
  /** Part of the newest unit already recorded but not yet closed (the current minute of a day window). */
  private openMaxUs = 0;

  /** spanMs: a unit stays while its start is within spanMs of the newest unit's start. */
  constructor(readonly spanMs: number) {}

  /** Add samples to the histogram and counts now; the unit they belong to is pushed by `seal`. */
  record(u: Omit<Unit, 't'>): void {
    applyValues(this.hist, u.values, u.counts, 1);
    this.n += u.n;
    this.misses += u.misses;
    this.sumUs += u.sumUs;
    this.openMaxUs = Math.max(this.openMaxUs, u.maxUs);
  }

  /** The unit whose samples were record()ed is complete: keep it so it can be subtracted later. */
  seal(u: Unit): void {
    this.queue.push(u);
    this.openMaxUs = 0;
  }

  /** Record and seal in one step (units that arrive whole, such as seconds). */
  add(u: Unit): void {
    this.record(u);
    this.seal(u);
  }

  /** Drop units that started at or before newestT − spanMs. */
  expire(newestT: number): void {
    for (let u = this.queue.front; u && u.t <= newestT - this.spanMs; u = this.queue.front) {
      this.queue.shift();
      applyValues(this.hist, u.values, u.counts, -1);
      this.n -= u.n;
      this.misses -= u.misses;
      this.sumUs -= u.sumUs;
    }
  }

  get units(): number {
    return this.queue.length;
  }

  get counts(): { n: number; misses: number } {
    return { n: this.n, misses: this.misses };
  }

  summary(): LatencySummary {
    const maxUs = Math.max(this.queue.maxUs(), this.openMaxUs);
    return summarize(this.hist, this.n, this.misses, this.sumUs, maxUs);
  }
}

/** A running merge that only grows: the session since attach. */
export class RunningTotal {
  private readonly hist = newHistogram();
  private n = 0;
  private misses = 0;
  private sumUs = 0;
  private maxUs = 0;

  add(u: Omit<Unit, 't'>): void {
    applyValues(this.hist, u.values, u.counts, 1);
    this.n += u.n;
    this.misses += u.misses;
    this.sumUs += u.sumUs;
    this.maxUs = Math.max(this.maxUs, u.maxUs);
  }

  get counts(): { n: number; misses: number } {
    return { n: this.n, misses: this.misses };
  }

  summary(): LatencySummary {
    return summarize(this.hist, this.n, this.misses, this.sumUs, this.maxUs);
  }
}

/** Groups the seconds of one minute by HDR bucket into a compact unit for the day window. */
export class MinuteBuilder {
  private readonly grouped = new Map<number, number>();
  private n = 0;
  private misses = 0;
  private sumUs = 0;
  private maxUs = 0;

  constructor(
    readonly t: number,
    private readonly bucketOf: (us: number) => number,
  ) {}

  add(u: Omit<Unit, 't'>): void {
    for (let i = 0; i < u.values.length; i++) {
      const key = this.bucketOf(u.values[i] ?? 0);
      this.grouped.set(key, (this.grouped.get(key) ?? 0) + (u.counts ? (u.counts[i] ?? 0) : 1));
    }
    this.n += u.n;
    this.misses += u.misses;
    this.sumUs += u.sumUs;
    this.maxUs = Math.max(this.maxUs, u.maxUs);
  }

  build(): Unit {
    const values = Float64Array.from(this.grouped.keys());
    const counts = Float64Array.from(this.grouped.values());
    return {
      t: this.t,
      values,
      counts,
      n: this.n,
      misses: this.misses,
      sumUs: this.sumUs,
      maxUs: this.maxUs,
    };
  }
}

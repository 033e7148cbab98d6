import type { LatencySummary, MetricsTick, WindowName } from '../../../shared/metrics';
import { isWithinTarget, summarizeSla, type SlaTarget } from '../../../shared/sla';
import type { TierName } from '../../../shared/tiers';
import type { RawSample, SecondAggregate } from '../history/types';
import { encodeHistogram, newHistogram, toMicros, applyValues } from './hdr';
import { MinuteBuilder, RunningTotal, SlidingWindow, summarize, type Unit } from './windows';

export interface AggregatorOptions extends SlaTarget {
  readonly tier: TierName;
  /** The probe's timeout: failed samples are recorded at no less than this (shared/metrics.ts). */
  readonly timeoutMs: number;
  /**
   * How long after a second ends it is closed. A sample belongs to the second it was SCHEDULED in and
   * can arrive up to timeout + the probe's 250 ms batching later; the default waits that plus margin.
   */
  readonly closeLagMs?: number;
}

interface OpenSecond {
  values: number[];
  misses: number;
  sumUs: number;
  maxUs: number;
}

export type TickWithoutResources = Omit<MetricsTick, 'resources'>;

const SECOND_SPANS = { '1m': 60_000, '15m': 900_000, '1h': 3_600_000 } as const;
const DAY_MS = 86_400_000;

/**
 * Turns probe samples into per-second HDR histograms and the live windows. Every window is an exact
 * merge of per-second data: 1m/15m/1h slide over the last hour of seconds, 24h over per-minute merges
 * (plus the current minute), session is a running merge since attach.
 */
export class Aggregator {
  private readonly open = new Map<number, OpenSecond>();
  private lastClosed: number | null = null;
  private readonly secondWindows: Record<keyof typeof SECOND_SPANS, SlidingWindow>;
  private readonly day = new SlidingWindow(DAY_MS);
  private minute: MinuteBuilder | null = null;
  private readonly session = new RunningTotal();
  private readonly scratch = newHistogram();
  private readonly closeLagMs: number;
  private lastSecond: LatencySummary = summarize(this.scratch, 0, 0, 0, 0);
  private lastSecondAt: number | null = null;
  /** Samples that arrived after their second had closed (counted in the oldest open second). */
  lateSamples = 0;

  constructor(private readonly o: AggregatorOptions) {
    this.closeLagMs = o.closeLagMs ?? o.timeoutMs + 750;
    this.secondWindows = {
      '1m': new SlidingWindow(SECOND_SPANS['1m']),
      '15m': new SlidingWindow(SECOND_SPANS['15m']),
      '1h': new SlidingWindow(SECOND_SPANS['1h']),
    };
  }

  get tier(): TierName {
    return this.o.tier;
  }

  record(samples: readonly RawSample[]): void {
    for (const [t, latencyMs, ok] of samples) {
      let sec = Math.floor(t / 1000);
      if (this.lastClosed !== null && sec <= this.lastClosed) {
        sec = this.lastClosed + 1;
        this.lateSamples++;
      }
      let bucket = this.open.get(sec);
      if (!bucket) {
        bucket = { values: [], misses: 0, sumUs: 0, maxUs: 0 };
        this.open.set(sec, bucket);
      }
      // A failure is recorded at no less than the timeout: it never makes percentiles look better.
      const us = toMicros(ok ? latencyMs : Math.max(latencyMs, this.o.timeoutMs));
      bucket.values.push(us);
      bucket.sumUs += us;
      bucket.maxUs = Math.max(bucket.maxUs, us);
      if (!isWithinTarget(ok, latencyMs, this.o.targetMs)) bucket.misses++;
    }
  }

  /** Close every second that ended more than closeLagMs before `now`; return the tick and those seconds. */
  tick(now: number): { tick: TickWithoutResources; closed: SecondAggregate[] } {
    const closeUpTo = Math.floor((now - this.closeLagMs) / 1000) - 1;
    const closed: SecondAggregate[] = [];
    const due = [...this.open.keys()].filter((s) => s <= closeUpTo).sort((a, b) => a - b);
    for (const sec of due) {
      const bucket = this.open.get(sec);
      this.open.delete(sec);
      if (bucket) closed.push(this.close(sec * 1000, bucket));
    }
    if (this.lastClosed === null || closeUpTo > this.lastClosed) {
      this.lastClosed = closeUpTo;
      const newest = closeUpTo * 1000;
      for (const w of Object.values(this.secondWindows)) w.expire(newest);
      this.day.expire(newest);
      const last = closed.at(-1);
      this.lastSecondAt = newest;
      this.lastSecond = last && last.t === newest ? this.lastSecond : summarize(this.scratch, 0, 0, 0, 0);
    }
    return { tick: this.snapshot(now), closed };
  }

  /**
   * Close every open second now (measurement stopped: nothing more will arrive for them). Unlike a
   * tick far in the future, this does not move the windows past the present.
   */
  closeOpen(): SecondAggregate[] {
    const due = [...this.open.keys()].sort((a, b) => a - b);
    const closed: SecondAggregate[] = [];
    for (const sec of due) {
      const bucket = this.open.get(sec);
      this.open.delete(sec);
      if (bucket) closed.push(this.close(sec * 1000, bucket));
    }
    const last = due.at(-1);
    if (last !== undefined && (this.lastClosed === null || last > this.lastClosed)) this.lastClosed = last;
    return closed;
  }

  private close(t: number, b: OpenSecond): SecondAggregate {
    const values = Float64Array.from(b.values);
    const unit: Unit = {
      t,
      values,
      counts: null,
      n: values.length,
      misses: b.misses,
      sumUs: b.sumUs,
      maxUs: b.maxUs,
    };
    for (const w of Object.values(this.secondWindows)) {
      w.add(unit);
      w.expire(t);
    }
    const minuteStart = t - (t % 60_000);
    if (this.minute && this.minute.t !== minuteStart) {
      this.day.seal(this.minute.build());
      this.minute = null;
    }
    this.minute ??= new MinuteBuilder(minuteStart, (us) => this.scratch.lowestEquivalentValue(us));
    this.minute.add(unit);
    this.day.record(unit);
    this.day.expire(t);
    this.session.add(unit);

    this.scratch.reset();
    applyValues(this.scratch, values, null, 1);
    const summary = summarize(this.scratch, unit.n, unit.misses, unit.sumUs, unit.maxUs);
    this.lastSecond = summary;
    return {
      t,
      tier: this.o.tier,
      n: unit.n,
      misses: unit.misses,
      sumMs: unit.sumUs / 1000,
      p50: summary.p50 ?? 0,
      p90: summary.p90 ?? 0,
      p99: summary.p99 ?? 0,
      p999: summary.p999 ?? 0,
      max: summary.max ?? 0,
      hist: encodeHistogram(this.scratch),
      valuesUs: values,
    };
  }

  private snapshot(now: number): TickWithoutResources {
    const target = { targetMs: this.o.targetMs, objective: this.o.objective };
    const window = (latency: LatencySummary) => ({
      latency,
      sla: summarizeSla({ n: latency.n, misses: latency.misses }, target),
    });
    const windows: Record<WindowName, ReturnType<typeof window>> = {
      '1m': window(this.secondWindows['1m'].summary()),
      '15m': window(this.secondWindows['15m'].summary()),
      '1h': window(this.secondWindows['1h'].summary()),
      '24h': window(this.day.summary()),
      session: window(this.session.summary()),
    };
    return { at: now, tier: this.o.tier, second: this.lastSecond, secondAt: this.lastSecondAt, windows };
  }
}

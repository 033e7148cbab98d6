import type { LatencySummary, LatenessSummary, MetricsTick, WindowName } from '../../../shared/metrics';
import { isWithinTarget, type SlaTarget } from '../../../shared/sla';
import { summarizeSla } from '../../../shared/verdict';
import type { TierName } from '../../../shared/tiers';
import type { RawSample, SecondAggregate } from '../history/types';
import { encodeHistogram, newHistogram, toMicros, applyValues } from '../measure-core/hdr';
import { WindowSet } from '../measure-core/window-set';
import { summarize, type Unit } from '../measure-core/rolling-windows';

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
  /** The probe's own lateness per sample (µs, early sends as 0); samples without it add nothing. */
  lateUs: number[];
  /** The probe's own busy time in each answer's window (µs); samples without it add nothing. */
  ownUs: number[];
}

export type TickWithoutResources = Omit<MetricsTick, 'resources'>;

/**
 * Turns probe samples into per-second HDR histograms and the live windows. Every window is an exact
 * merge of per-second data: 1m/15m/1h slide over the last hour of seconds, 24h over per-minute merges
 * (plus the current minute), session is a running merge since attach.
 */
export class Aggregator {
  private readonly open = new Map<number, OpenSecond>();
  private lastClosed: number | null = null;
  private readonly scratch = newHistogram();
  private readonly latency = new WindowSet(this.scratch);
  private readonly lateness = new WindowSet(this.scratch);
  private readonly ownTime = new WindowSet(this.scratch);
  private readonly closeLagMs: number;
  private lastSecond: LatencySummary = summarize(this.scratch, 0, 0, 0, 0);
  private lastSecondAt: number | null = null;
  /** Samples that arrived after their second had closed (counted in the oldest open second). */
  lateSamples = 0;
  /** True while history is replayed (seed): those seconds fill the time windows, not the session. */
  private seeding = false;

  constructor(private readonly o: AggregatorOptions) {
    this.closeLagMs = o.closeLagMs ?? o.timeoutMs + 750;
  }

  get tier(): TierName {
    return this.o.tier;
  }

  record(samples: readonly RawSample[]): void {
    for (const [t, latencyMs, ok, lateMs, ownMs] of samples) {
      let sec = Math.floor(t / 1000);
      if (this.lastClosed !== null && sec <= this.lastClosed) {
        sec = this.lastClosed + 1;
        this.lateSamples++;
      }
      let bucket = this.open.get(sec);
      if (!bucket) {
        bucket = { values: [], misses: 0, sumUs: 0, maxUs: 0, lateUs: [], ownUs: [] };
        this.open.set(sec, bucket);
      }
      // A failure is recorded at no less than the timeout: it never makes percentiles look better.
      const us = toMicros(ok ? latencyMs : Math.max(latencyMs, this.o.timeoutMs));
      bucket.values.push(us);
      bucket.sumUs += us;
      bucket.maxUs = Math.max(bucket.maxUs, us);
      if (!isWithinTarget(ok, latencyMs, this.o.targetMs)) bucket.misses++;
      if (lateMs !== undefined) bucket.lateUs.push(toMicros(lateMs));
      if (ownMs !== undefined) bucket.ownUs.push(toMicros(ownMs));
    }
  }

  /**
   * Fill the windows from history (a panel restart, or the first time this tier runs in this session):
   * `minutes` (roll-ups, older than every sample) go to the day window only; `samples` (raw, in time
   * order) are replayed as if live, except that they stay out of the session. Nothing is returned for
   * storing: it is stored already.
   */
  seed(minutes: readonly Unit[], samples: readonly RawSample[]): void {
    for (const m of minutes) this.latency.addMinute(m);
    this.seeding = true;
    try {
      this.record(samples);
      this.closeOpen();
    } finally {
      this.seeding = false;
    }
  }

  /** This tier's samples since the panel started (the session window's counts). */
  sessionCounts(): { n: number; misses: number } {
    return this.latency.sessionCounts();
  }

  /** The newest closed second's start: the windows end one second after it. null before any. */
  get newestSecond(): number | null {
    return this.lastClosed === null ? null : this.lastClosed * 1000;
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
      this.latency.expire(newest);
      this.lateness.expire(newest);
      this.ownTime.expire(newest);
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
    this.latency.add(unit, !this.seeding);
    this.lateness.add(latenessUnit(t, b.lateUs), !this.seeding);
    this.ownTime.add(latenessUnit(t, b.ownUs), !this.seeding);

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
    const latency = this.latency.summaries();
    const lateness = this.lateness.summaries();
    const ownTime = this.ownTime.summaries();
    const windows = {} as MetricsTick['windows'];
    const probeLateness = {} as Record<WindowName, LatenessSummary>;
    const probeOwnTime = {} as Record<WindowName, LatenessSummary>;
    for (const name of Object.keys(latency) as WindowName[]) {
      const l = latency[name];
      const newest = this.newestSecond;
      windows[name] = {
        latency: l,
        sla: summarizeSla({ n: l.n, misses: l.misses }, target),
        ...(name !== 'session' && newest !== null ? { span: WindowSet.spanOf(name, newest) } : {}),
      };
      probeLateness[name] = latenessSummary(lateness[name]);
      probeOwnTime[name] = latenessSummary(ownTime[name]);
    }
    return {
      at: now,
      tier: this.o.tier,
      second: this.lastSecond,
      secondAt: this.lastSecondAt,
      windows,
      probeLateness,
      probeOwnTime,
    };
  }
}

function latenessUnit(t: number, lateUs: readonly number[]): Unit {
  const values = Float64Array.from(lateUs);
  let sumUs = 0;
  let maxUs = 0;
  for (const v of values) {
    sumUs += v;
    maxUs = Math.max(maxUs, v);
  }
  return { t, values, counts: null, n: values.length, misses: 0, sumUs, maxUs };
}

function latenessSummary(s: LatencySummary): LatenessSummary {
  return { n: s.n, p50: s.p50, p99: s.p99, max: s.max };
}

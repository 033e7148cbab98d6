import { countOutcome, emptyMissCounts, sampleOutcome, type MissCounts } from '../../../shared/figures';
import type { HistoryPoint, LatenessSummary, LatencySummary } from '../../../shared/metrics';
import type { SlaCounts } from '../../../shared/sla';
import { newHistogram, percentilesMs, toMicros, type Hdr } from '../measure-core/hdr';
import type { RawSample, TimeRange } from './source';
import { TierTimeline } from './timeline';

/**
 * One pass over the raw samples of a period, in time order, that yields every sample-derived figure
 * of a report with flat memory: one HDR histogram for the period, one reused for the current chart
 * bucket, and counters. The writers feed it the very rows they write, so the file and its summary can
 * never disagree (a second read could see rows that landed in between).
 */

/** Chart buckets: the smallest "nice" width that keeps a period within MAX_BUCKETS points. */
const MAX_BUCKETS = 240;
const NICE_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
].map((s) => s * 1000);

export function chooseBucketMs(durationMs: number): number {
  const wanted = durationMs / MAX_BUCKETS;
  const nice = NICE_MS.find((w) => w >= wanted);
  return nice ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

export interface ScanResult {
  readonly latency: LatencySummary;
  readonly counts: SlaCounts;
  /** Misses broken out (shared/figures.ts): over target + errors + timeouts. */
  readonly missCounts: MissCounts;
  /** The probe's own lateness over the samples that record it. */
  readonly lateness: LatenessSummary;
  /** The probe's own busy time in the answers' windows, over the samples that record it. */
  readonly ownTime: LatenessSummary;
  readonly otherTiers: { tier: string; n: number }[];
  readonly measuredSeconds: number;
  readonly upSeconds: number;
  readonly bucketMs: number;
  readonly points: HistoryPoint[];
  readonly timeline: TierTimeline;
}

/**
 * The sample at the probe's resolution (whole microseconds), as the CSV writes it: feeding the scan
 * the written value, not the stored double, lets a reader reproduce every figure from the file.
 */
export function atMicros(s: RawSample): RawSample {
  return {
    t: s.t,
    latencyMs: Math.max(0, Math.round(s.latencyMs * 1000)) / 1000,
    ok: s.ok,
    tier: s.tier,
    lateMs: s.lateMs,
    ownMs: s.ownMs,
  };
}

/** A figure of the probe's own (its lateness, its own time) over the samples that record it. */
class ProbeOwnFigure {
  private readonly hist: Hdr = newHistogram();
  private n = 0;
  private maxMs = 0;

  add(ms: number): void {
    const clamped = Math.max(0, ms);
    this.hist.recordValue(toMicros(clamped));
    this.n++;
    this.maxMs = Math.max(this.maxMs, clamped);
  }

  summary(): LatenessSummary {
    const p = percentilesMs(this.hist, this.n, toMicros(this.maxMs));
    return { n: this.n, p50: p?.p50 ?? null, p99: p?.p99 ?? null, max: this.n ? this.maxMs : null };
  }
}

export class OutOfOrderError extends Error {
  override readonly name = 'OutOfOrderError';
}

export class SampleScan {
  private readonly all: Hdr = newHistogram();
  private readonly bucket: Hdr = newHistogram();
  private n = 0;
  private misses = 0;
  private sumMs = 0;
  private maxMs = -1;
  private readonly others = new Map<string, number>();
  private readonly missCounts = emptyMissCounts();
  private readonly late = new ProbeOwnFigure();
  private readonly own = new ProbeOwnFigure();
  private lastT = -Infinity;
  // Availability: samples arrive in time order, so distinct seconds need only the current one.
  private second = NaN;
  private secondUp = false;
  private measuredSeconds = 0;
  private upSeconds = 0;
  // The open chart bucket.
  private bucketStart = NaN;
  private bucketN = 0;
  private bucketMisses = 0;
  private bucketMax = 0;
  private readonly points: HistoryPoint[] = [];
  readonly bucketMs: number;
  private readonly timeline = new TierTimeline();

  /**
   * `timeoutMs` is the probe's: a failed sample counts at no less than it in percentiles, max and
   * mean (as the live panel records it), so a fast error never makes the figures look better.
   */
  constructor(
    private readonly tier: string,
    private readonly targetMs: number,
    private readonly timeoutMs: number,
    range: TimeRange,
  ) {
    this.bucketMs = chooseBucketMs(range.to - range.from);
  }

  /** Feeds one sample of any tier; returns whether it belongs to the report's tier. */
  add(s: RawSample): boolean {
    if (s.t < this.lastT) throw new OutOfOrderError(`samples out of order at t=${s.t} (after ${this.lastT})`);
    this.lastT = s.t;
    this.timeline.note(s.t, s.tier);
    if (s.tier !== this.tier) {
      this.others.set(s.tier, (this.others.get(s.tier) ?? 0) + 1);
      return false;
    }
    const outcome = sampleOutcome(s.ok, s.latencyMs, this.targetMs, this.timeoutMs);
    countOutcome(this.missCounts, outcome);
    const miss = outcome !== 'within';
    if (s.lateMs != null) this.late.add(s.lateMs);
    if (s.ownMs != null) this.own.add(s.ownMs);
    const ms = s.ok ? s.latencyMs : Math.max(s.latencyMs, this.timeoutMs);
    const micros = toMicros(ms);
    this.n++;
    if (miss) this.misses++;
    this.sumMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
    this.all.recordValue(micros);

    const second = Math.floor(s.t / 1000);
    if (second !== this.second) {
      this.closeSecond();
      this.second = second;
      this.measuredSeconds++;
    }
    this.secondUp ||= s.ok;

    const start = Math.floor(s.t / this.bucketMs) * this.bucketMs;
    if (start !== this.bucketStart) {
      this.closeBucket();
      this.bucketStart = start;
    }
    this.bucket.recordValue(micros);
    this.bucketN++;
    if (miss) this.bucketMisses++;
    this.bucketMax = Math.max(this.bucketMax, ms);
    return true;
  }

  finish(): ScanResult {
    this.closeSecond();
    this.closeBucket();
    const empty = this.n === 0;
    const p = percentilesMs(this.all, this.n, toMicros(this.maxMs));
    return {
      latency: {
        n: this.n,
        misses: this.misses,
        p50: p?.p50 ?? null,
        p90: p?.p90 ?? null,
        p99: p?.p99 ?? null,
        p999: p?.p999 ?? null,
        max: empty ? null : this.maxMs,
        mean: empty ? null : this.sumMs / this.n,
      },
      counts: { n: this.n, misses: this.misses },
      missCounts: { ...this.missCounts },
      lateness: this.late.summary(),
      ownTime: this.own.summary(),
      otherTiers: [...this.others].map(([tier, n]) => ({ tier, n })),
      measuredSeconds: this.measuredSeconds,
      upSeconds: this.upSeconds,
      bucketMs: this.bucketMs,
      points: this.points,
      timeline: this.timeline,
    };
  }

  private closeSecond(): void {
    if (Number.isNaN(this.second)) return;
    if (this.secondUp) this.upSeconds++;
    this.secondUp = false;
  }

  private closeBucket(): void {
    if (this.bucketN === 0) return;
    const p = percentilesMs(this.bucket, this.bucketN, toMicros(this.bucketMax));
    this.points.push({
      t: this.bucketStart,
      n: this.bucketN,
      misses: this.bucketMisses,
      p50: p?.p50 ?? 0,
      p99: p?.p99 ?? 0,
      max: this.bucketMax,
    });
    this.bucket.reset();
    this.bucketN = 0;
    this.bucketMisses = 0;
    this.bucketMax = 0;
  }
}

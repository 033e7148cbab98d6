import {
  bucketIncrease,
  bucketRatio,
  quantileUpperBound,
  type Bucket,
} from '../../../shared/fleet-histogram';
import { FLEET_WINDOW_SECONDS, type FleetWindow } from '../../../shared/fleet';

/** Kept scrapes are at least this far apart, so a day of history is a few thousand entries. */
export const KEEP_SPACING_MS = 15_000;
export const MAX_SNAPSHOTS = Math.ceil((FLEET_WINDOW_SECONDS['1d'] * 1000) / KEEP_SPACING_MS) + 2;

/** Counts only (the bounds are the history's): a day of a relay's scrapes stays near a megabyte. */
interface Snapshot {
  readonly at: number;
  readonly counts: Float64Array;
}

export interface WindowFigures {
  p50Ms: number | null;
  p999Ms: number | null;
  compliance: number | null;
  samples: number;
  coveredSeconds: number;
}

/**
 * One relay's latency histogram over time, from its own /metrics: window figures are the bucket
 * increase between the newest scrape and the oldest one inside the window (PromQL's increase()
 * without the extrapolation). Bounded: the oldest snapshots go first.
 */
export class ScrapeHistory {
  private snapshots: Snapshot[] = [];
  private bounds: number[] = [];

  constructor(private readonly capacity = MAX_SNAPSHOTS) {}

  get size(): number {
    return this.snapshots.length;
  }

  add(at: number, buckets: readonly Bucket[]): void {
    if (buckets.length === 0) return;
    const bounds = buckets.map((b) => b.le);
    if (bounds.length !== this.bounds.length || bounds.some((le, i) => le !== this.bounds[i])) {
      // Another relay build with other buckets answers at this URL now: its history starts afresh.
      this.snapshots = [];
      this.bounds = bounds;
    }
    const last = this.snapshots.at(-1);
    // The newest scrape is always kept; the one before it only once it is a spacing past its own
    // predecessor, so kept snapshots are at least KEEP_SPACING_MS apart.
    const previous = this.snapshots.at(-2);
    if (last && previous && last.at - previous.at < KEEP_SPACING_MS) this.snapshots.pop();
    this.snapshots.push({ at, counts: Float64Array.from(buckets, (b) => b.count) });
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
  }

  figures(window: FleetWindow, targetMs: number | null, now = Date.now()): WindowFigures {
    const from = now - FLEET_WINDOW_SECONDS[window] * 1000;
    const inWindow = this.snapshots.filter((s) => s.at >= from);
    // The newest snapshot older than the window's start is the baseline, when there is one.
    const before = this.snapshots.filter((s) => s.at < from).at(-1);
    const run = before ? [before, ...inWindow] : inWindow;
    const empty = { p50Ms: null, p999Ms: null, compliance: null, samples: 0 };
    if (run.length < 2) return { ...empty, coveredSeconds: 0 };
    const increase = bucketIncrease(
      run.map((s) => this.bounds.map((le, i) => ({ le, count: s.counts[i] ?? 0 }))),
    );
    const coveredSeconds = (run.at(-1)!.at - Math.max(run[0]!.at, from)) / 1000;
    const samples = increase.at(-1)?.count ?? 0;
    if (samples === 0) return { ...empty, coveredSeconds };
    // Bucket bounds, not interpolations: "≤ 5 ms" is what the histogram knows (null past the last).
    const ms = (s: number | null) => (s === null || !Number.isFinite(s) ? null : s * 1000);
    return {
      p50Ms: ms(quantileUpperBound(0.5, increase)),
      p999Ms: ms(quantileUpperBound(0.999, increase)),
      compliance: targetMs === null ? null : bucketRatio(targetMs / 1000, increase),
      samples,
      coveredSeconds,
    };
  }
}

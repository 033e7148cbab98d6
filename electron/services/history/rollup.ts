import type { TierName } from '../../../shared/tiers';
import {
  applyValues,
  decodeHistogram,
  encodeHistogram,
  newHistogram,
  percentilesMs,
  toMicros,
  type Hdr,
} from '../measure-core/hdr';
import { RES } from './db';
import type { SecondAggregate } from './types';

/** A row of `aggregates` as stored. */
export interface AggregateRow {
  readonly res_ms: number;
  readonly t: number;
  readonly tier: string;
  readonly n: number;
  readonly misses: number;
  readonly sum_ms: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly hist: Uint8Array;
}

interface Bucket {
  readonly res: number;
  readonly t: number;
  readonly tier: string;
  readonly hist: Hdr;
  n: number;
  misses: number;
  sumMs: number;
  maxMs: number;
}

/** A stored row back into an accumulating bucket (exact: the histogram is the merge itself). */
export function bucketFromRow(row: AggregateRow): Bucket {
  const hist = newHistogram();
  hist.add(decodeHistogram(row.hist));
  return {
    res: row.res_ms,
    t: row.t,
    tier: row.tier,
    hist,
    n: row.n,
    misses: row.misses,
    sumMs: row.sum_ms,
    maxMs: row.max,
  };
}

export function rowFromBucket(b: Bucket): AggregateRow {
  const p = percentilesMs(b.hist, b.n, toMicros(b.maxMs));
  return {
    res_ms: b.res,
    t: b.t,
    tier: b.tier,
    n: b.n,
    misses: b.misses,
    sum_ms: b.sumMs,
    p50: p?.p50 ?? 0,
    p90: p?.p90 ?? 0,
    p99: p?.p99 ?? 0,
    p999: p?.p999 ?? 0,
    max: b.maxMs,
    hist: encodeHistogram(b.hist),
  };
}

/** Merge `from` into `into` (same configuration, so the histogram merge is exact). */
export function mergeInto(
  into: Bucket,
  from: { hist: Hdr; n: number; misses: number; sumMs: number; maxMs: number },
) {
  into.hist.add(from.hist);
  into.n += from.n;
  into.misses += from.misses;
  into.sumMs += from.sumMs;
  into.maxMs = Math.max(into.maxMs, from.maxMs);
}

/**
 * Per-minute and per-hour merges of the per-second histograms, kept current at every flush so a
 * query over a day reads 1,440 stored rows instead of merging 86,400. Only the newest bucket per
 * (resolution, tier) stays in memory; a bucket met again later (a restart within the same minute,
 * a late second) is reloaded from its stored row and merged on, which is exact.
 */
export class Rollups {
  private readonly current = new Map<string, Bucket>();
  /** Older buckets touched in this flush (late seconds), so two of them merge into one row. */
  private readonly side = new Map<string, Bucket>();
  private readonly dirty = new Set<Bucket>();

  constructor(private readonly load: (res: number, t: number, tier: string) => AggregateRow | undefined) {}

  add(agg: SecondAggregate): void {
    for (const res of [RES.minute, RES.hour]) {
      const bucket = this.bucket(res, agg.t - (agg.t % res), agg.tier);
      if (agg.valuesUs) applyValues(bucket.hist, agg.valuesUs, null, 1);
      else bucket.hist.add(decodeHistogram(agg.hist));
      bucket.n += agg.n;
      bucket.misses += agg.misses;
      bucket.sumMs += agg.sumMs;
      bucket.maxMs = Math.max(bucket.maxMs, agg.max);
      this.dirty.add(bucket);
    }
  }

  /** Rows to upsert in this flush's transaction. */
  drain(): AggregateRow[] {
    const rows = [...this.dirty].map(rowFromBucket);
    this.dirty.clear();
    this.side.clear();
    return rows;
  }

  /** Forget in-memory state (after a failed flush, the stored rows are the truth again). */
  reset(): void {
    this.current.clear();
    this.side.clear();
    this.dirty.clear();
  }

  private bucket(res: number, t: number, tier: TierName | string): Bucket {
    const key = `${res}:${tier}`;
    const cur = this.current.get(key);
    if (cur && cur.t === t) return cur;
    const sideKey = `${key}:${t}`;
    const side = this.side.get(sideKey);
    if (side) return side;
    const stored = this.load(res, t, tier);
    const fresh: Bucket = stored
      ? bucketFromRow(stored)
      : { res, t, tier, hist: newHistogram(), n: 0, misses: 0, sumMs: 0, maxMs: 0 };
    // A late second for an older bucket must not evict the live one: only move forward.
    if (!cur || t > cur.t) this.current.set(key, fresh);
    else this.side.set(sideKey, fresh);
    return fresh;
  }
}

/**
 * Pure histogram arithmetic on Prometheus cumulative buckets, with PromQL's semantics, so figures the
 * panel computes from two scrapes of /metrics agree with histogram_quantile() on a Prometheus.
 */

/** One cumulative bucket: observations <= le. The last is +Inf (its count is the total). */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * histogram_quantile(q, …) as Prometheus evaluates it: linear interpolation inside the bucket the
 * rank falls in, the first bucket starting at 0, and the highest finite bound when the rank lands in
 * +Inf. Null when there are no observations (Prometheus: NaN).
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  if (buckets.length < 2 || buckets[buckets.length - 1]?.le !== Infinity) return null;
  const total = buckets[buckets.length - 1]!.count;
  if (!(total > 0)) return null;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  const i = buckets.findIndex((b) => b.count >= rank);
  if (i === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (i === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  const start = i > 0 ? buckets[i - 1]!.le : 0;
  const below = i > 0 ? buckets[i - 1]!.count : 0;
  const b = buckets[i]!;
  return start + (b.le - start) * ((rank - below) / (b.count - below));
}

/** Share of observations within `le` (a bucket bound); null with no observations. */
export function bucketRatio(le: number, buckets: readonly Bucket[]): number | null {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  const within = buckets.find((b) => b.le === le);
  if (!(total > 0) || within === undefined) return null;
  return within.count / total;
}

/**
 * Per-bucket increase across a run of cumulative snapshots (same bounds, oldest first), counting a
 * counter reset (the relay restarted) as Prometheus's increase() does: the value after the reset is
 * all new.
 */
export function bucketIncrease(snapshots: ReadonlyArray<readonly Bucket[]>): Bucket[] {
  const first = snapshots[0];
  if (!first) return [];
  const sums = first.map(() => 0);
  for (let s = 1; s < snapshots.length; s++) {
    const prev = snapshots[s - 1]!;
    const cur = snapshots[s]!;
    if (cur.length !== prev.length) continue;
    const reset = cur.some((b, i) => b.count < prev[i]!.count);
    cur.forEach((b, i) => (sums[i]! += reset ? b.count : b.count - prev[i]!.count));
  }
  return first.map((b, i) => ({ le: b.le, count: sums[i]! }));
}

/**
 * The upper bound of the bucket the q-quantile falls in: what a histogram actually knows ("p50 ≤ 5
 * ms"). Interpolating inside the bucket (histogramQuantile) reads as a measurement and is not one.
 * +Inf when the rank lands in the +Inf bucket; null with no observations.
 */
export function quantileUpperBound(q: number, buckets: readonly Bucket[]): number | null {
  if (buckets.length < 2 || buckets[buckets.length - 1]?.le !== Infinity) return null;
  const total = buckets[buckets.length - 1]!.count;
  if (!(total > 0)) return null;
  const rank = Math.min(1, Math.max(0, q)) * total;
  return buckets.find((b) => b.count >= rank)?.le ?? Infinity;
}

/** The relay's latency bucket bounds in seconds (relay/health/metrics.ts LATENCY_BUCKETS). */
export const RELAY_BUCKET_BOUNDS_S = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 1, 2.5, 5,
] as const;

/**
 * A value Prometheus interpolated inside a bucket, reported as that bucket's upper bound instead: the
 * smallest bound at or above it (+Inf above the last).
 */
export function bucketBoundAbove(seconds: number, bounds: readonly number[] = RELAY_BUCKET_BOUNDS_S): number {
  return bounds.find((le) => le >= seconds - 1e-12) ?? Infinity;
}

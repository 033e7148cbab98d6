/**
 * The one percentile definition: nearest rank, the value at rank max(1, ⌈q·n⌉) in ascending order
 * (HdrHistogram's own). The live panel's HDR figures (electron/services/measure-core/hdr.ts) use
 * the same rank, within the histogram's 0.1%; the SLA test, the reports' block figures and the
 * benchmarks use it exactly.
 */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  // The epsilon keeps 0.99 × 100 = 99.00000000000001 at rank 99, not 100.
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

/** Exact figures over a set small enough to sort (blocks, one SLA test tier's probes). */
export interface ExactSummary {
  readonly n: number;
  readonly mean: number | null;
  readonly max: number | null;
  /** Nearest-rank percentile, q in [0, 1]; null for an empty set. */
  percentile(q: number): number | null;
}

export function exactSummary(values: readonly number[]): ExactSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    mean: n === 0 ? null : sorted.reduce((sum, v) => sum + v, 0) / n,
    max: sorted[n - 1] ?? null,
    percentile: (q) => nearestRank(sorted, q),
  };
}

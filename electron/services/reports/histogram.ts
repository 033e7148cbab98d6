/**
 * Percentiles for reports. The probe-sample histograms are the live panel's own (metrics/hdr.ts:
 * integer µs, 1 µs to 60 s, 3 significant digits), so a report and the dashboard agree to the digit.
 *
 * Percentile definition, the same everywhere in a report: nearest rank, the value at rank
 * max(1, ⌈q·n⌉) in ascending order (HdrHistogram's own definition). From a histogram it is the top
 * of that value's bucket, capped at the exact max: within 0.1% of the exact value.
 */

/** Nearest-rank percentile of values sorted ascending (exact: for small sets such as blocks). */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

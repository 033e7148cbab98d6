/**
 * A fraction as a percentage, for the panel and the reports alike. Never rounds up to 100% or down
 * to 0% when it is not exactly that: 99.9996% compliance printed as 100.000% would claim no misses.
 * Above 50% it rounds down, below up, so the figure never flatters toward either end.
 */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction == null || !Number.isFinite(fraction)) return '—';
  if (fraction === 1 || fraction === 0) return `${fraction * 100}%`;
  const factor = 10 ** digits;
  const scaled = fraction * 100 * factor;
  // Float products land just off a step (0.57 × 100 = 56.99999…): snap within a millionth of one.
  const steps = fraction > 0.5 ? Math.floor(scaled + 1e-6) : Math.ceil(scaled - 1e-6);
  const clamped = Math.min(Math.max(steps, 1), 100 * factor - 1);
  return `${(clamped / factor).toFixed(digits)}%`;
}

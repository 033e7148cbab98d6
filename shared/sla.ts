/**
 * SLA arithmetic (DESIGN.md, "Measuring"). Pure: runs in the main process and in the browser.
 *
 * Confidence bounds are exact one-sided 95% Clopper–Pearson bounds on the miss rate, not Wilson
 * score intervals. Why: an SLA lives at the edge of the binomial, with zero or a handful of misses in
 * thousands of samples. There Wilson's normal approximation under-covers (with 0 misses its bound is
 * about 2.7/n, i.e. the "rule of three" shrunk), while Clopper–Pearson never claims more than the data
 * show: with 0 misses its upper bound is exactly 1 − 0.05^(1/n). One-sided, because "upper bound" of a
 * miss rate is a one-sided question: we only ever ask "is it at most the allowance?".
 *
 * The verdict built on these bounds is in shared/verdict.ts.
 */

export const CONFIDENCE = 0.95;
const ALPHA = 1 - CONFIDENCE;

export interface SlaCounts {
  /** All samples: successes, misses over target, errors and timeouts. */
  readonly n: number;
  /** Samples not within target (errors and timeouts included). */
  readonly misses: number;
}

export interface SlaTarget {
  readonly targetMs: number;
  /** Fraction within target the tier promises, e.g. 0.999. */
  readonly objective: number;
}

/** A sample counts as within target iff it succeeded and came back in at most targetMs. */
export function isWithinTarget(ok: boolean, latencyMs: number, targetMs: number): boolean {
  return ok && latencyMs <= targetMs;
}

/** Windows combine by adding counts: compliance of a merge is never an average of compliances. */
export function mergeCounts(...parts: readonly SlaCounts[]): SlaCounts {
  let n = 0;
  let misses = 0;
  for (const p of parts) {
    n += p.n;
    misses += p.misses;
  }
  return { n, misses };
}

export function compliance(c: SlaCounts): number | null {
  return c.n === 0 ? null : (c.n - c.misses) / c.n;
}

export function checkCounts(misses: number, n: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(misses) || n < 0 || misses < 0 || misses > n) {
    throw new RangeError(`invalid counts: ${misses} misses of ${n}`);
  }
}

/** One-sided 95% upper bound of the true miss rate given `misses` of `n` (1 when n = 0). */
export function missRateUpperBound95(misses: number, n: number): number {
  checkCounts(misses, n);
  if (n === 0 || misses === n) return 1;
  if (misses === 0) return 1 - Math.pow(ALPHA, 1 / n);
  // The p at which seeing ≤ misses has probability α: P(X ≤ x; n, p) = 1 − I_p(x+1, n−x) = α.
  return solveIncreasing((p) => regularizedBeta(p, misses + 1, n - misses), 1 - ALPHA, misses / n, 1);
}

/** One-sided 95% lower bound of the true miss rate (0 when there are no misses). */
export function missRateLowerBound95(misses: number, n: number): number {
  checkCounts(misses, n);
  if (misses === 0) return 0;
  if (misses === n) return Math.pow(ALPHA, 1 / n);
  // The p at which seeing ≥ misses has probability α: P(X ≥ x; n, p) = I_p(x, n−x+1) = α.
  return solveIncreasing((p) => regularizedBeta(p, misses, n - misses + 1), ALPHA, 0, misses / n);
}

/**
 * The n at which zero misses prove the objective at 95%: the least n with 1 − 0.05^(1/n) ≤ 1 −
 * objective, i.e. ⌈ln 0.05 / ln objective⌉ (≈ 3/(1 − objective), the rule of three): 2,995 for 99.9%,
 * 598 for 99.5%, 299 for 99%.
 */
export function requiredSamples(objective: number): number {
  if (!(objective > 0 && objective < 1)) throw new RangeError(`objective must be in (0, 1): ${objective}`);
  const allowance = 1 - objective;
  let n = Math.max(1, Math.ceil(Math.log(ALPHA) / Math.log(objective)));
  // Guard the closed form against floating-point rounding at the boundary.
  while (missRateUpperBound95(0, n) > allowance) n++;
  while (n > 1 && missRateUpperBound95(0, n - 1) <= allowance) n--;
  return n;
}

/** floor((1 − objective) · n): the misses that keep compliance ≥ objective. */
export function allowedMisses(n: number, objective: number): number {
  // (1 − 0.999) · 1000 is 1.0000000000000009 in binary floating point; 1e-9 absorbs either direction.
  return Math.max(0, Math.floor((1 - objective) * n + 1e-9));
}

// ---- numerics -------------------------------------------------------------------------------------

/** Bisection for an increasing f on [lo, hi]: robust, and 80 halvings reach double precision. */
function solveIncreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 80 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] ?? 0;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  // Convergence takes O(√max(a, b)) terms; a day of samples (n ≈ 10⁶) needs about a thousand.
  for (let m = 1; m <= 20_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

import { describe, expect, it } from 'vitest';
import {
  allowedMisses,
  compliance,
  isWithinTarget,
  mergeCounts,
  missRateLowerBound95,
  missRateUpperBound95,
  regularizedBeta,
  requiredSamples,
} from './sla';

// Reference values were computed independently with SciPy 1.17:
//   scipy.stats.beta.ppf(0.95, x + 1, n - x)   (one-sided upper Clopper–Pearson bound)
//   scipy.stats.beta.ppf(0.05, x, n - x + 1)   (one-sided lower bound)
const SCIPY: ReadonlyArray<{ x: number; n: number; upper: number; lower: number }> = [
  { x: 1, n: 10, upper: 0.39416330243650466, lower: 0.005116196891823701 },
  { x: 5, n: 100, upper: 0.1022533776432745, lower: 0.019905563662171832 },
  { x: 1, n: 3000, upper: 0.001580301827458731, lower: 1.709761862990271e-5 },
  { x: 3, n: 3000, upper: 0.0025825051382936544, lower: 0.0002726175458740734 },
  { x: 10, n: 1000, upper: 0.016903175120562504, lower: 0.005435140144706774 },
  { x: 2, n: 2995, upper: 0.0021005943393998415, lower: 0.00011866436181278542 },
];
// Large windows (beta.ppf(0.95, x + 1, n - x)): a day and a month of samples.
const SCIPY_LARGE: ReadonlyArray<{ x: number; n: number; upper: number }> = [
  { x: 5000, n: 864_000, upper: 0.005923074587643887 },
  { x: 29_000, n: 30_000_000, upper: 0.0009760514389716041 },
];

describe('miss-rate bounds (Clopper–Pearson, one-sided 95%)', () => {
  it('with zero misses equals the closed form 1 − 0.05^(1/n)', () => {
    // By hand: 1 − 0.05^(1/2995) = 0.000999744…, 1 − 0.05^(1/3000) = 0.000998079…
    expect(missRateUpperBound95(0, 2995)).toBeCloseTo(0.0009997444209011164, 15);
    expect(missRateUpperBound95(0, 3000)).toBeCloseTo(0.0009980790119965555, 15);
    expect(missRateUpperBound95(0, 1)).toBeCloseTo(0.95, 15);
    expect(missRateLowerBound95(0, 100)).toBe(0);
  });

  it.each(SCIPY)('matches SciPy for $x misses of $n', ({ x, n, upper, lower }) => {
    expect(missRateUpperBound95(x, n)).toBeCloseTo(upper, 9);
    expect(missRateLowerBound95(x, n)).toBeCloseTo(lower, 9);
  });

  it('with one miss solves (1−p)^n + n·p·(1−p)^(n−1) = 0.05, checked by substitution', () => {
    for (const n of [20, 500, 3000]) {
      const p = missRateUpperBound95(1, n);
      const cdf = Math.pow(1 - p, n) + n * p * Math.pow(1 - p, n - 1);
      expect(cdf).toBeCloseTo(0.05, 9);
    }
  });

  it('is 1 when every sample missed or there are none, and rejects impossible counts', () => {
    expect(missRateUpperBound95(7, 7)).toBe(1);
    expect(missRateUpperBound95(0, 0)).toBe(1);
    expect(() => missRateUpperBound95(3, 2)).toThrow(RangeError);
    expect(() => missRateUpperBound95(-1, 2)).toThrow(RangeError);
  });

  it('stays accurate for a day of samples (n ≈ 864,000)', () => {
    // SciPy: beta.ppf(0.95, 101, 863900) = 0.0001366643950774525
    expect(missRateUpperBound95(100, 864_000)).toBeCloseTo(0.0001366643950774525, 12);
  });

  it.each(SCIPY_LARGE)('matches SciPy for $x misses of $n', ({ x, n, upper }) => {
    expect(missRateUpperBound95(x, n) / upper).toBeCloseTo(1, 9);
  });

  it('regularized incomplete beta agrees with closed forms', () => {
    // I_x(1, b) = 1 − (1 − x)^b ; I_x(a, 1) = x^a
    expect(regularizedBeta(0.3, 1, 5)).toBeCloseTo(1 - Math.pow(0.7, 5), 14);
    expect(regularizedBeta(0.3, 4, 1)).toBeCloseTo(Math.pow(0.3, 4), 14);
  });
});

describe('requiredSamples', () => {
  it('is the least n where zero misses prove the objective (≈ 3/(1 − objective))', () => {
    expect(requiredSamples(0.999)).toBe(2995);
    expect(requiredSamples(0.995)).toBe(598);
    expect(requiredSamples(0.99)).toBe(299);
    expect(missRateUpperBound95(0, 2994)).toBeGreaterThan(0.001);
    expect(missRateUpperBound95(0, 2995)).toBeLessThanOrEqual(0.001);
  });
});

describe('error budget and merging', () => {
  it('allows floor((1 − objective)·n) misses', () => {
    expect(allowedMisses(1000, 0.999)).toBe(1);
    expect(allowedMisses(2995, 0.999)).toBe(2);
    expect(allowedMisses(100, 0.99)).toBe(1);
  });

  it('merges windows by adding counts, never by averaging compliance', () => {
    const a = { n: 1000, misses: 0 };
    const b = { n: 10, misses: 5 };
    const merged = mergeCounts(a, b);
    expect(merged).toEqual({ n: 1010, misses: 5 });
    expect(compliance(merged)).toBeCloseTo(1005 / 1010, 15);
    // The average of the two compliances would be 0.75: wrong by a mile.
    expect(compliance(merged)).not.toBeCloseTo(((compliance(a) ?? 0) + (compliance(b) ?? 0)) / 2, 2);
  });

  it('counts errors and timeouts as misses', () => {
    expect(isWithinTarget(true, 4.9, 5)).toBe(true);
    expect(isWithinTarget(true, 5, 5)).toBe(true);
    expect(isWithinTarget(true, 5.001, 5)).toBe(false);
    expect(isWithinTarget(false, 0.2, 5)).toBe(false);
  });
});

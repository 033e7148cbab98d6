import { describe, expect, it } from 'vitest';
import { latencyAxis, logTicks, niceCeil } from './axis';

const p = (v: number) => ({ t: 0, p50: v / 2, p99: v, max: v });

describe('latencyAxis', () => {
  it('on a log scale spans the data and the SLA target in decades', () => {
    const axis = latencyAxis([p(0.4), p(2)], 1000, true);
    expect(axis.domain).toEqual([0.1, 10_000]);
    expect(axis.ticks).toContain(1000);
  });
  it('on a linear scale includes a target near the data but not one far above it', () => {
    expect(latencyAxis([p(3)], 5, false).domain[1]).toBeGreaterThanOrEqual(5.5);
    expect(latencyAxis([p(2)], 1000, false).domain[1]).toBeLessThan(10);
    expect(latencyAxis([], 300, false).domain).toEqual([0, 500]);
  });
});

describe('ticks', () => {
  it('places log ticks at 1-2-5 steps and thins long spans to decades', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(0.01, 10_000)).toEqual([0.01, 0.1, 1, 10, 100, 1000, 10_000]);
  });
  it('rounds up to 1, 2, 2.5, 5 × 10^k', () => {
    expect(niceCeil(3.3)).toBe(5);
    expect(niceCeil(21)).toBe(25);
    expect(niceCeil(0.012)).toBe(0.02);
    expect(niceCeil(0)).toBe(1);
  });
});

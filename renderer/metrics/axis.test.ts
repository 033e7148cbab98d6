import { describe, expect, it } from 'vitest';
import { latencyAxis, localTimeTicks } from './axis';

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

describe('local time ticks', () => {
  it('falls on local whole hours, whatever the zone', () => {
    const from = Date.UTC(2026, 0, 31, 10, 7);
    const ticks = localTimeTicks(from, from + 6 * 3_600_000, 6);
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) expect(new Date(t).getMinutes()).toBe(0);
  });
});

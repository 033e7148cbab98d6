import { describe, expect, it } from 'vitest';
import { linearTicks, logTicks, niceCeil, timeTicks } from './ticks';

describe('log and linear ticks', () => {
  it('places log ticks at 1-2-5 steps and thins long spans to decades', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(0.01, 10_000)).toEqual([0.01, 0.1, 1, 10, 100, 1000, 10_000]);
    // Three decades are ten 1-2-5 ticks, more than seven: decades only.
    expect(logTicks(1, 1000)).toEqual([1, 10, 100, 1000]);
  });
  it('rounds up to 1, 2, 2.5, 5 × 10^k', () => {
    expect(niceCeil(3.3)).toBe(5);
    expect(niceCeil(21)).toBe(25);
    expect(niceCeil(0.012)).toBe(0.02);
    expect(niceCeil(0)).toBe(1);
    expect(linearTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
  });
});

describe('time ticks', () => {
  const from = Date.UTC(2026, 0, 31, 10, 7, 13);

  it('in UTC by default: whole steps of the UTC clock, no more than asked', () => {
    const { ticks, step } = timeTicks(from, from + 6 * 3_600_000, 7);
    expect(step).toBe(3_600_000);
    expect(ticks[0]).toBe(Date.UTC(2026, 0, 31, 11));
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const t of ticks) expect(t % step).toBe(0);
  });

  it('in a zone: midnights of that zone, not of UTC', () => {
    const offset = 2 * 3_600_000; // UTC+2
    const { ticks, step } = timeTicks(from, from + 5 * 86_400_000, 6, offset);
    expect(step).toBe(86_400_000);
    for (const t of ticks) expect((t + offset) % 86_400_000).toBe(0);
  });

  it('falls back to whole days past the longest step', () => {
    const { step } = timeTicks(0, 120 * 86_400_000, 6);
    expect(step).toBe(20 * 86_400_000);
  });
});

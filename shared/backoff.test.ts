import { describe, expect, it } from 'vitest';
import { Backoff, exponentialDelay } from './backoff';

describe('exponentialDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((step) => exponentialDelay(step, 250, 5000))).toEqual([
      250, 500, 1000, 2000, 4000, 5000,
    ]);
  });
  it('stays finite and capped for absurd steps, and treats a negative step as the first', () => {
    expect(exponentialDelay(10_000, 1000, 60_000)).toBe(60_000);
    expect(exponentialDelay(-3, 1000, 60_000)).toBe(1000);
  });
});

describe('Backoff', () => {
  it('walks the delays, holds at the cap, and starts over after reset', () => {
    const backoff = new Backoff(100, 350);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 350, 350]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});

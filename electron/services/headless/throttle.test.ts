import { describe, expect, it } from 'vitest';
import { FailureThrottle, type ThrottleOptions } from './throttle';

function clocked(options: Partial<ThrottleOptions> = {}) {
  let now = 1_000_000;
  const throttle = new FailureThrottle(
    {
      freeFailures: 3,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      maxPending: 2,
      forgetAfterMs: 60_000,
      maxAddresses: 100,
      ...options,
    },
    () => now,
  );
  return { throttle, advance: (ms: number) => (now += ms) };
}

describe('FailureThrottle', () => {
  it('lets a few failures pass, then holds answers back for a doubling delay up to the cap', () => {
    const { throttle } = clocked();
    const delays = Array.from({ length: 9 }, () => throttle.recordFailure('10.0.0.1'));
    expect(delays).toEqual([0, 0, 0, 100, 200, 400, 800, 1000, 1000]);
    // Another address is not affected.
    expect(throttle.recordFailure('10.0.0.2')).toBe(0);
  });

  it('refuses to check more tokens from an address with maxPending answers held back', async () => {
    const { throttle } = clocked({ freeFailures: 0, initialDelayMs: 50, maxDelayMs: 50 });
    const held = [1, 2].map(() => throttle.holdBack('a', throttle.recordFailure('a')));
    expect(throttle.mayCheck('a')).toBe(false);
    expect(throttle.mayCheck('b')).toBe(true);
    await Promise.all(held);
    expect(throttle.mayCheck('a')).toBe(true);
  });

  it('forgets old failures', () => {
    const { throttle, advance } = clocked();
    for (let i = 0; i < 4; i++) throttle.recordFailure('a');
    expect(throttle.recordFailure('a')).toBeGreaterThan(0);
    advance(60_001);
    expect(throttle.recordFailure('a')).toBe(0);
  });

  it('remembers at most maxAddresses addresses', () => {
    const { throttle } = clocked({ maxAddresses: 10 });
    for (let i = 0; i < 1000; i++) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBe(10);
  });
});

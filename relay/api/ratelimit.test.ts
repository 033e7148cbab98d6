import { describe, expect, it } from 'vitest';
import { RateLimiter } from './ratelimit';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('token bucket rate limiter', () => {
  it('allows the burst, then refuses with a Retry-After, then refills at the rate', () => {
    const c = clock();
    const limiter = new RateLimiter(1, 5, new Set(['panel']), c.now);
    for (let i = 0; i < 5; i++) expect(limiter.admit('user').ok).toBe(true);
    expect(limiter.admit('user')).toEqual({ ok: false, retryAfterSeconds: 1 });
    c.advance(1000);
    expect(limiter.admit('user').ok).toBe(true);
    expect(limiter.admit('user').ok).toBe(false);
    c.advance(60_000);
    for (let i = 0; i < 5; i++) expect(limiter.admit('user').ok).toBe(true);
    expect(limiter.admit('user').ok).toBe(false);
  });

  it('keeps separate buckets per key', () => {
    const c = clock();
    const limiter = new RateLimiter(1, 1, new Set(), c.now);
    expect(limiter.admit('a').ok).toBe(true);
    expect(limiter.admit('a').ok).toBe(false);
    expect(limiter.admit('b').ok).toBe(true);
  });

  it('rounds Retry-After up to whole seconds for slow rates and never limits the panel key', () => {
    const c = clock();
    const limiter = new RateLimiter(0.25, 1, new Set(['panel']), c.now);
    expect(limiter.admit('user').ok).toBe(true);
    expect(limiter.admit('user')).toEqual({ ok: false, retryAfterSeconds: 4 });
    for (let i = 0; i < 10_000; i++) expect(limiter.admit('panel').ok).toBe(true);
  });
});

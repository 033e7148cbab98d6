import { performance } from 'node:perf_hooks';

export type Admission = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

const OK: Admission = { ok: true };

/**
 * One token bucket per API key: `burst` tokens, refilled continuously at `perSecond`. Buckets exist
 * only for configured keys (unknown keys are refused before this), so the map cannot be grown by
 * a client.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly exempt: ReadonlySet<string>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  admit(key: string): Admission {
    if (this.exempt.has(key)) return OK;
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return OK;
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond)) };
  }
}

import { describe, expect, it } from 'vitest';
import { PeerRateLimits, RATE_LIMITS } from './rate-limits';
import { TokenBucket } from './token-bucket';
import { MisbehaviourScore } from './violations';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBucket', () => {
  it('allows the burst, refuses the next, refills at the rate and never above the burst', () => {
    const c = clock();
    const b = new TokenBucket(10, 5, c.now);
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    c.advance(100); // 10/s: one token back
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    c.advance(60_000);
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('never fits a request larger than the burst', () => {
    const b = new TokenBucket(1000, 100, clock().now);
    expect(b.take(101)).toBe(false);
    expect(b.take(100)).toBe(true);
  });
});

describe('PeerRateLimits', () => {
  it('lets the ping burst through, then names the flood', () => {
    const limits = new PeerRateLimits(clock().now);
    for (let i = 0; i < RATE_LIMITS.ping.burst; i++) expect(limits.check('ping')).toBeNull();
    expect(limits.check('ping')).toMatchObject({ code: 'PING_FLOOD', points: RATE_LIMITS.ping.points });
  });

  it('limits getheaders separately from pings', () => {
    const limits = new PeerRateLimits(clock().now);
    for (let i = 0; i < RATE_LIMITS.getheaders.burst; i++) expect(limits.check('getheaders')).toBeNull();
    expect(limits.check('getheaders')?.code).toBe('GETHEADERS_FLOOD');
    expect(limits.check('ping')).toBeNull();
  });

  it('judges an inv by its length before it is buffered: a 50,000-entry inv is a flood at once', () => {
    const limits = new PeerRateLimits(clock().now);
    expect(limits.admit('inv', 1 + 36)).toEqual({ buffer: true });
    const refused = limits.admit('inv', 3 + 50_000 * 36);
    expect(refused.buffer).toBe(false);
    const v = refused.buffer ? null : refused.violation;
    expect(v?.code).toBe('INV_FLOOD');
    expect(v?.message).toContain('50000 entries');
    // The burst is shared: 4,999 more entries fit, the next one does not.
    expect(limits.admit('inv', 3 + (RATE_LIMITS.invEntries.burst - 1) * 36)).toEqual({ buffer: true });
    expect(limits.admit('inv', 1 + 36)).toMatchObject({ buffer: false, violation: { code: 'INV_FLOOD' } });
    expect(limits.admit('headers', 10_000_000)).toEqual({ buffer: true });
  });

  it('never buffers an unknown command: counts it, lets a burst through, then scores it', () => {
    const limits = new PeerRateLimits(clock().now);
    for (let i = 0; i < RATE_LIMITS.unknown.burst; i++) {
      expect(limits.admit('xyzzy', 4_000_000)).toEqual({ buffer: false, violation: null });
    }
    expect(limits.admit('xyzzy', 0)).toMatchObject({
      buffer: false,
      violation: { code: 'UNKNOWN_COMMAND_FLOOD' },
    });
    expect(limits.unknownCommands).toBe(RATE_LIMITS.unknown.burst + 1);
    // Real protocol commands are neither counted nor limited here.
    expect(limits.admit('sendaddrv2', 0)).toEqual({ buffer: true });
    expect(limits.admit('feefilter', 8)).toEqual({ buffer: true });
    expect(limits.unknownCommands).toBe(RATE_LIMITS.unknown.burst + 1);
  });

  it('reads past transactions unbuffered: a header relay asked for none', () => {
    const limits = new PeerRateLimits(clock().now);
    expect(limits.admit('tx', 4_000_000)).toEqual({ buffer: false, violation: null });
    expect(limits.check('tx')).toBeNull();
  });
});

describe('MisbehaviourScore', () => {
  it('adds points with reasons, reports crossing the threshold once, keeps a bounded reason list', () => {
    const s = new MisbehaviourScore(100);
    const v = { code: 'PING_FLOOD', points: 30, message: 'too many pings' } as const;
    expect(s.add(v)).toBe(false);
    expect(s.add(v)).toBe(false);
    expect(s.add(v)).toBe(false);
    expect(s.add(v)).toBe(true);
    expect(s.add(v)).toBe(false);
    expect(s.score).toBe(150);
    expect(s.summary()).toEqual({ PING_FLOOD: 5 });
    for (let i = 0; i < 20; i++) s.add({ code: 'INV_FLOOD', points: 1, message: `inv ${i}` });
    expect(s.reasons).toHaveLength(8);
    expect(s.reasons.at(-1)).toBe('INV_FLOOD +1: inv 19');
  });
});

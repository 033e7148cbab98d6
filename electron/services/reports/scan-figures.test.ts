import { describe, expect, it } from 'vitest';
import { SampleScan } from './scan';

describe('report figures from the sample pass', () => {
  it('breaks misses out by the shared definition and keeps the probe’s own lateness apart', () => {
    const scan = new SampleScan('enterprise', 5, 1000, { from: 0, to: 10_000 });
    const rows = [
      { t: 0, latencyMs: 1, ok: true, tier: 'enterprise', lateMs: -0.5 },
      { t: 10, latencyMs: 7, ok: true, tier: 'enterprise', lateMs: 4.2 },
      { t: 20, latencyMs: 0.3, ok: false, tier: 'enterprise', lateMs: 0.1 },
      { t: 30, latencyMs: 1000, ok: false, tier: 'enterprise', lateMs: 0 },
      { t: 40, latencyMs: 2, ok: true, tier: 'enterprise', lateMs: null },
      { t: 50, latencyMs: 2, ok: true, tier: 'pro', lateMs: 90 },
    ];
    for (const r of rows) scan.add(r);
    const result = scan.finish();
    expect(result.missCounts).toEqual({ n: 5, misses: 3, overTarget: 1, errors: 1, timeouts: 1 });
    expect(result.latency.misses).toBe(result.missCounts.misses);
    // Four samples record lateness (the early send counts as 0); the other tier's is not this report's.
    expect(result.lateness).toEqual({ n: 4, p50: 0, p99: 4.2, max: 4.2 });
  });

  it('summarises the probe’s own time over the samples that record it, this tier only', () => {
    const scan = new SampleScan('enterprise', 5, 1000, { from: 0, to: 10_000 });
    for (let i = 0; i < 100; i++)
      scan.add({ t: i, latencyMs: 1, ok: true, tier: 'enterprise', ownMs: i === 99 ? 0.9 : 0.05 });
    scan.add({ t: 200, latencyMs: 1, ok: true, tier: 'enterprise', ownMs: null });
    scan.add({ t: 300, latencyMs: 1, ok: true, tier: 'pro', ownMs: 7 });
    expect(scan.finish().ownTime).toEqual({ n: 100, p50: 0.05, p99: 0.05, max: 0.9 });
  });
});

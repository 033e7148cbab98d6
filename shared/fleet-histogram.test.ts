import { describe, expect, it } from 'vitest';
import { bucketIncrease, bucketRatio, histogramQuantile, type Bucket } from './fleet-histogram';
import { targetBuckets, complianceExpr } from './fleet-promql';

const b = (pairs: Array<[number, number]>): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

describe('histogramQuantile (PromQL semantics)', () => {
  const h = b([
    [0.005, 50],
    [0.3, 90],
    [1, 99],
    [Infinity, 100],
  ]);

  it('interpolates linearly inside the bucket the rank falls in, the first from 0', () => {
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.005, 12);
    expect(histogramQuantile(0.25, h)).toBeCloseTo(0.0025, 12);
    // rank 70: 20 of the 40 in (0.005, 0.3]
    expect(histogramQuantile(0.7, h)).toBeCloseTo(0.005 + 0.295 * 0.5, 12);
  });

  it('answers the highest finite bound when the rank lands in +Inf, and null with no observations', () => {
    expect(histogramQuantile(0.999, h)).toBe(1);
    expect(
      histogramQuantile(
        0.5,
        b([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
    expect(histogramQuantile(0.5, b([[1, 3]]))).toBeNull();
  });

  it('computes compliance as a bucket ratio, null without the bound or observations', () => {
    expect(bucketRatio(0.3, h)).toBe(0.9);
    expect(bucketRatio(0.25, h)).toBeNull();
    expect(
      bucketRatio(
        1,
        b([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
  });
});

describe('bucketIncrease', () => {
  it('sums per-bucket increases and counts a counter reset as new observations', () => {
    const runs = [
      b([
        [1, 10],
        [Infinity, 12],
      ]),
      b([
        [1, 15],
        [Infinity, 20],
      ]),
      // restart: counters back near zero
      b([
        [1, 2],
        [Infinity, 3],
      ]),
      b([
        [1, 4],
        [Infinity, 6],
      ]),
    ];
    expect(bucketIncrease(runs)).toEqual(
      b([
        [1, 5 + 2 + 2],
        [Infinity, 8 + 3 + 3],
      ]),
    );
    expect(bucketIncrease([])).toEqual([]);
  });
});

describe('fleet PromQL', () => {
  it('judges each tier by the bucket on its own target', () => {
    expect(targetBuckets()).toEqual([
      { le: '0.005', tiers: ['turbo', 'enterprise'] },
      { le: '0.3', tiers: ['pro', 'business'] },
      { le: '1', tiers: ['free'] },
    ]);
    expect(complianceExpr('job="a"', '1h')).toContain(
      'increase(bitcoin_sprint_relay_latency_seconds_bucket{job="a",le="0.3"}[1h])) and on (job, instance) bitcoin_sprint_tier_info{tier=~"pro|business"}',
    );
  });
});

describe('bounds, not interpolations', () => {
  it('quantileUpperBound gives the bucket bound the quantile falls in', async () => {
    const { quantileUpperBound } = await import('./fleet-histogram');
    const b = [
      { le: 0.001, count: 10 },
      { le: 0.005, count: 90 },
      { le: Infinity, count: 100 },
    ];
    expect(quantileUpperBound(0.5, b)).toBe(0.005);
    expect(quantileUpperBound(0.05, b)).toBe(0.001);
    expect(quantileUpperBound(0.999, b)).toBe(Infinity);
    expect(
      quantileUpperBound(0.5, [
        { le: Infinity, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNull();
  });

  it("RELAY_BUCKET_BOUNDS_S are the relay's own buckets, and bucketBoundAbove rounds up to one", async () => {
    const { RELAY_BUCKET_BOUNDS_S, bucketBoundAbove } = await import('./fleet-histogram');
    const { LATENCY_BUCKETS } = await import('../relay/health/metrics');
    expect([...RELAY_BUCKET_BOUNDS_S]).toEqual(LATENCY_BUCKETS);
    // Prometheus's 4.93 ms inside the 2–5 ms bucket is reported as ≤ 5 ms.
    expect(bucketBoundAbove(0.00493)).toBe(0.005);
    expect(bucketBoundAbove(0.005)).toBe(0.005);
    expect(bucketBoundAbove(6)).toBe(Infinity);
  });
});

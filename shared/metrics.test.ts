import { describe, expect, it } from 'vitest';
import { BlockRelayed, HistoryQuery, HistoryResult, LatencySummary, SlaSummary } from './metrics';

describe('measurement schemas', () => {
  it('history queries default to auto resolution and 2,000 points, and refuse inverted ranges', () => {
    expect(HistoryQuery.parse({ from: 1, to: 2 })).toEqual({
      from: 1,
      to: 2,
      resolution: 'auto',
      maxPoints: 2000,
    });
    expect(HistoryQuery.safeParse({ from: 2, to: 1 }).success).toBe(false);
    expect(HistoryQuery.safeParse({ from: 1, to: 2, resolution: '5m' }).success).toBe(false);
    expect(HistoryQuery.safeParse({ from: 1, to: 2, extra: true }).success).toBe(false);
  });

  it('an empty window has null figures, never zeros that look like a perfect relay', () => {
    const empty = { n: 0, misses: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
    expect(LatencySummary.parse(empty)).toEqual(empty);
    expect(LatencySummary.safeParse({ ...empty, n: -1 }).success).toBe(false);
  });

  it('validates SLA summaries, blocks and results strictly enough to catch a wrong producer', () => {
    expect(
      SlaSummary.safeParse({
        targetMs: 5,
        objective: 1, // an objective of 100% can never be proven: refused
        compliance: 1,
        n: 10,
        missUpperBound95: 0.1,
        verdict: 'pass',
        requiredN: 1,
        errorBudget: { allowed: 0, used: 0, remaining: 0 },
      }).success,
    ).toBe(false);
    expect(
      BlockRelayed.safeParse({
        height: 1,
        hash: 'xyz',
        receivedAt: 0,
        relayedAt: 0,
        addedMs: 0,
        endToEndMs: null,
        deliveredAt: 0,
      }).success,
    ).toBe(false);
    const result = { resolution: 'auto', bucketMs: 0, points: [], blocks: [], events: [], truncated: false };
    expect(HistoryResult.safeParse(result).success).toBe(false);
    expect(HistoryResult.safeParse({ ...result, resolution: 'raw' }).success).toBe(true);
  });
});

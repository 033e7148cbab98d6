import { describe, expect, it } from 'vitest';
import {
  appendBounded,
  breakGaps,
  bucketWidth,
  downsample,
  forLogScale,
  historyToPoints,
  latencyPoint,
  MAX_CHART_POINTS,
  since,
  summarizeSeries,
  typicalStep,
  type LatencyPoint,
} from './series';

const T0 = 1_795_000_000_000;
const hour = (): LatencyPoint[] =>
  Array.from({ length: 3600 }, (_, i) => ({ t: T0 + i * 1000, p50: 1, p99: 2 + (i % 7) * 0.1, max: 3 }));

describe('appendBounded', () => {
  it('keeps the newest `limit` points and returns a new array', () => {
    let series: LatencyPoint[] = [];
    for (let i = 0; i < 10; i++) series = appendBounded(series, { t: i, p50: i, p99: i, max: i }, 4);
    expect(series.map((p) => p.t)).toEqual([6, 7, 8, 9]);
    const next = appendBounded(series, { t: 10, p50: 0, p99: 0, max: 0 }, 4);
    expect(next).not.toBe(series);
    expect(series).toHaveLength(4);
  });
  it('replaces a repeated second and ignores one older than the last', () => {
    const series = [{ t: 1, p50: 1, p99: 1, max: 1 }];
    expect(appendBounded(series, { t: 1, p50: 9, p99: 9, max: 9 }, 5)).toEqual([
      { t: 1, p50: 9, p99: 9, max: 9 },
    ]);
    expect(appendBounded(series, { t: 0, p50: 9, p99: 9, max: 9 }, 5)).toBe(series);
  });
});

describe('since', () => {
  it('keeps points at or after the cut by binary search', () => {
    const points = hour();
    expect(since(points, T0 + 3_540_000)).toHaveLength(60);
    expect(since(points, T0 - 1)).toBe(points);
    expect(since(points, T0 + 10_000_000)).toHaveLength(0);
  });
});

describe('downsample', () => {
  it('bounds an hour of seconds to at most MAX_CHART_POINTS', () => {
    const out = downsample(hour());
    expect(out.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(out.length).toBeGreaterThan(500);
  });
  it('keeps a one-second spike in p99 and max', () => {
    const points = hour();
    points[1234] = { t: points[1234]!.t, p50: 1, p99: 250, max: 900 };
    const out = downsample(points, 100);
    expect(Math.max(...out.map((p) => p.max ?? 0))).toBe(900);
    expect(Math.max(...out.map((p) => p.p99 ?? 0))).toBe(250);
    // The median second, not a mean dragged up by the spike.
    expect(out.every((p) => p.p50 === 1)).toBe(true);
  });
  it('aligns buckets to round times so a new point does not reshuffle the old ones', () => {
    const points = hour();
    const before = downsample(points, 200);
    const after = downsample([...points.slice(1), { t: T0 + 3_600_000, p50: 1, p99: 2, max: 3 }], 200);
    const common = before.filter((p) => after.some((q) => q.t === p.t)).slice(1, -1);
    expect(common.length).toBeGreaterThan(100);
    for (const p of common) expect(after.find((q) => q.t === p.t)).toEqual(p);
  });
  it('returns short series unchanged', () => {
    const points = hour().slice(0, 10);
    expect(downsample(points)).toBe(points);
  });
  it('treats seconds without samples as absent, not zero', () => {
    const points: LatencyPoint[] = [
      { t: 0, p50: null, p99: null, max: null },
      { t: 1000, p50: 2, p99: 4, max: 6 },
      { t: 2000, p50: null, p99: null, max: null },
    ];
    expect(downsample(points, 2)).toEqual([{ t: 0, p50: 2, p99: 4, max: 6 }]);
  });
});

describe('bucketWidth', () => {
  it('picks round widths', () => {
    expect(bucketWidth(3_600_000, 1000)).toBe(5000);
    expect(bucketWidth(86_400_000, 1000)).toBe(120_000);
    expect(bucketWidth(300_000, 1000)).toBe(1000);
  });
});

describe('gaps and log scale', () => {
  it('breaks lines across a stopped relay', () => {
    const points: LatencyPoint[] = [
      { t: 0, p50: 1, p99: 1, max: 1 },
      { t: 1000, p50: 1, p99: 1, max: 1 },
      { t: 60_000, p50: 1, p99: 1, max: 1 },
    ];
    const out = breakGaps(points, typicalStep(points) * 3.5);
    expect(out).toHaveLength(4);
    expect(out[2]).toEqual({ t: 1001, p50: null, p99: null, max: null });
  });
  it('lifts zeros off a log axis', () => {
    expect(forLogScale([{ t: 0, p50: 0, p99: 2, max: null }])).toEqual([
      { t: 0, p50: 0.001, p99: 2, max: null },
    ]);
  });
});

describe('conversions and summaries', () => {
  it('turns an empty second into a gap', () => {
    const summary = { n: 0, misses: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
    expect(latencyPoint(5, summary)).toEqual({ t: 5, p50: null, p99: null, max: null });
    expect(historyToPoints([{ t: 1, n: 0, misses: 0, p50: 0, p99: 0, max: 0 }])).toEqual([
      { t: 1, p50: null, p99: null, max: null },
    ]);
  });
  it('summarizes the latest and the worst of a range', () => {
    const points = hour();
    points[10] = { ...points[10]!, max: 50, p99: 40 };
    const s = summarizeSeries(points);
    expect(s.points).toBe(3600);
    expect(s.worstMax).toBe(50);
    expect(s.worstP99).toBe(40);
    expect(s.latest?.t).toBe(T0 + 3_599_000);
  });
});

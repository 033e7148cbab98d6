import { describe, expect, it } from 'vitest';
import type { MetricsSource } from '../api/metrics-source';
import type { HistoryQuery, HistoryResult } from '../metrics/types';
import { createHistoryStore, maxPointsFor, mergeRefresh, stepOf } from './history-store';

const p = (t: number, v = 1) => ({ t, p50: v, p99: v, max: v });
const hp = (t: number, v = 1) => ({ t, n: 10, misses: 0, p50: v, p99: v, max: v });

describe('history helpers', () => {
  it('sizes queries and steps by resolution', () => {
    expect(maxPointsFor(3_600_000, '1s')).toBe(3602);
    expect(maxPointsFor(86_400_000, '1m')).toBe(1442);
    expect(stepOf({ resolution: '1m', bucketMs: 60_000 })).toBe(60_000);
    expect(stepOf({ resolution: 'raw', bucketMs: 0 })).toBe(1000);
  });
  it('replaces the partial last bucket and drops what slid out of the range', () => {
    const merged = mergeRefresh([p(0), p(60), p(120, 1)], [p(120, 5), p(180)], 120, 60);
    expect(merged).toEqual([p(60), p(120, 5), p(180)]);
  });
});

describe('history store', () => {
  it('loads a range at its fixed resolution, then refreshes only what is new', async () => {
    const queries: HistoryQuery[] = [];
    const answers: HistoryResult[] = [
      {
        resolution: '1s',
        bucketMs: 1000,
        points: [hp(1000), hp(2000)],
        blocks: [],
        events: [],
        truncated: false,
      },
      {
        resolution: '1s',
        bucketMs: 1000,
        points: [hp(2000, 7), hp(3000)],
        blocks: [],
        events: [],
        truncated: false,
      },
    ];
    const source: MetricsSource = {
      onTick: () => () => undefined,
      onBlock: () => () => undefined,
      queryHistory: async (query) => {
        queries.push(query);
        return answers.shift()!;
      },
    };
    const store = createHistoryStore(source, () => undefined);
    await store.getState().load('1h', 3_600_000);
    await store.getState().load('1h', 3_600_500);
    expect(queries[0]).toEqual({ from: 0, to: 3_600_000, resolution: '1s', maxPoints: 3602 });
    expect(queries[1]).toMatchObject({ from: 2000, to: 3_600_500, resolution: '1s' });
    expect(store.getState().ranges['1h']?.points.map((x) => [x.t, x.p50])).toEqual([
      [1000, 1],
      [2000, 7],
      [3000, 1],
    ]);
  });
});

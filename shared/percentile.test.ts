import { describe, expect, it } from 'vitest';
import { exactSummary, nearestRank } from './percentile';

describe('percentiles: nearest rank', () => {
  it('takes the value at rank max(1, ⌈q·n⌉)', () => {
    const v = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(nearestRank(v, 0.5)).toBe(500);
    expect(nearestRank(v, 0.999)).toBe(999);
    expect(nearestRank(v, 0)).toBe(1);
    expect(nearestRank([7], 0.99)).toBe(7);
    expect(nearestRank([], 0.5)).toBeNull();
  });

  it('does not step a rank up on a float product (0.99 × 100)', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(v, 0.99)).toBe(99);
  });
});

describe('exact summary', () => {
  it('sorts a copy and reports n, mean, max and percentiles', () => {
    const input = [30, 10, 20, 40];
    const s = exactSummary(input);
    expect(input).toEqual([30, 10, 20, 40]);
    expect(s).toMatchObject({ n: 4, mean: 25, max: 40 });
    expect(s.percentile(0.5)).toBe(20);
    expect(s.percentile(0.9)).toBe(40);
  });

  it('is all null when empty', () => {
    const s = exactSummary([]);
    expect(s).toMatchObject({ n: 0, mean: null, max: null });
    expect(s.percentile(0.5)).toBeNull();
  });
});

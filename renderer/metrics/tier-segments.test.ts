import { describe, expect, it } from 'vitest';
import { offScale, tierSegments } from './tier-segments';

const p = (t: number, tier?: string | null) => ({ t, p50: 1, p99: 2, max: 3, tier });

describe('tier segments', () => {
  it('splits the chart where the tier changes, each stretch with its own target', () => {
    const segments = tierSegments([
      p(0, 'free'),
      p(1, 'free'),
      p(2, null),
      p(3, 'enterprise'),
      p(4, 'enterprise'),
    ]);
    expect(segments).toEqual([
      { tier: 'free', targetMs: 1000, from: 0, to: 2 },
      { tier: 'enterprise', targetMs: 5, from: 3, to: 4 },
    ]);
  });

  it('has no segments without tiers (older history: the single target line is drawn)', () => {
    expect(tierSegments([p(0), p(1, null), p(2, 'no-such-tier')])).toEqual([]);
  });

  it('names a target above the axis as off scale', () => {
    expect(offScale(1000, 20)).toBe(true);
    expect(offScale(5, 20)).toBe(false);
    expect(offScale(null, 20)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { labelWidth, offScale, placeLabels, tierSegments, type LabelRequest } from './tier-segments';

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

describe('placeLabels', () => {
  it('after 20 switches in a 600 px chart, no two drawn labels overlap and the newest SLA label is drawn', () => {
    const tiers = ['free', 'enterprise', 'pro', 'enterprise'] as const;
    const requests: LabelRequest[] = [];
    for (let i = 0; i < 21; i++) {
      const x0 = 300 + i * 12;
      const x1 = i === 20 ? 900 : x0 + 12;
      const tier = tiers[i % tiers.length] ?? 'free';
      const y = tier === 'free' ? 92 : tier === 'pro' ? 180 : 300;
      requests.push({
        key: `sla-${i}`,
        text: `${tier} SLA 5 ms`,
        x: x1 - 4,
        y,
        anchor: 'end',
        priority: i === 20 ? 3000 : 1000 + i,
      });
      if (i > 0)
        requests.push({
          key: `switch-${i}`,
          text: `→ ${tier}`,
          x: x0 + 4,
          y: 40,
          anchor: 'start',
          priority: i,
        });
    }
    const { shown, hidden } = placeLabels(requests, 300, 900);
    expect(shown.has('sla-20')).toBe(true);
    expect(hidden).toBeGreaterThan(0);
    expect(shown.size + hidden).toBe(requests.length);
    const boxes = requests
      .filter((r) => shown.has(r.key))
      .map((r) => {
        const w = labelWidth(r.text);
        return r.anchor === 'start' ? { l: r.x, r: r.x + w, y: r.y } : { l: r.x - w, r: r.x, y: r.y };
      });
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1))
        expect(Math.abs(a.y - b.y) >= 13 || a.r <= b.l || b.r <= a.l, JSON.stringify([a, b])).toBe(true);
  });

  it('draws every label when there is room', () => {
    const { shown, hidden } = placeLabels(
      [
        { key: 'a', text: 'free SLA 1,000 ms', x: 200, y: 50, anchor: 'end', priority: 1 },
        { key: 'b', text: 'enterprise SLA 5 ms', x: 500, y: 50, anchor: 'end', priority: 2 },
      ],
      0,
      600,
    );
    expect([...shown].sort()).toEqual(['a', 'b']);
    expect(hidden).toBe(0);
  });
});

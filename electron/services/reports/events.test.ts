import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../shared/metrics';
import { breachSpans, summarizeEvents } from './events';
import { TierTimeline } from './timeline';

const ev = (at: number, kind: string): HistoryEvent => ({ at, kind, details: {} });
const range = { from: 0, to: 10_000 };

function timeline(...changes: Array<[number, string]>): TierTimeline {
  const tl = new TierTimeline();
  for (const [t, tier] of changes) tl.note(t, tier);
  return tl;
}

describe('TierTimeline', () => {
  it('attributes a time to the latest sample tier at or before it, the first tier before any', () => {
    const tl = timeline([100, 'turbo'], [200, 'turbo'], [5000, 'pro']);
    expect(tl.tierAt(0)).toBe('turbo');
    expect(tl.tierAt(4999)).toBe('turbo');
    expect(tl.tierAt(5000)).toBe('pro');
    expect(tl.nextChangeAfter(100)).toBe(5000);
    expect(tl.nextChangeAfter(5000)).toBeNull();
    expect(new TierTimeline().tierAt(1)).toBeNull();
  });
});

describe('breachSpans', () => {
  const tl = timeline([0, 'turbo']);

  it('pairs a breach with the next recovery and ignores repeats and stray recoveries', () => {
    const events = [
      ev(500, 'sla-recovered'),
      ev(1000, 'sla-breach'),
      ev(1500, 'sla-breach'),
      ev(3000, 'sla-recovered'),
    ];
    expect(breachSpans(events, false, range, tl)).toEqual([
      { from: 1000, to: 3000, durationMs: 2000, open: false },
    ]);
  });

  it('starts a breach open before the period at its start and cuts one still open at its end', () => {
    const events = [ev(2000, 'sla-recovered'), ev(8000, 'sla-breach')];
    expect(breachSpans(events, true, range, tl)).toEqual([
      { from: 0, to: 2000, durationMs: 2000, open: false },
      { from: 8000, to: 10_000, durationMs: 2000, open: true },
    ]);
  });

  it('ends a breach at a tier change, and starts a new one for a breach under the new tier', () => {
    const switched = timeline([0, 'turbo'], [4000, 'pro']);
    const events = [ev(1000, 'sla-breach'), ev(6000, 'sla-breach'), ev(7000, 'sla-recovered')];
    expect(breachSpans(events, false, range, switched)).toEqual([
      { from: 1000, to: 4000, durationMs: 3000, open: false },
      { from: 6000, to: 7000, durationMs: 1000, open: false },
    ]);
    const summary = summarizeEvents(events, false, range, switched, 'pro');
    expect(summary.breaches).toMatchObject({ count: 1, totalMs: 1000, longest: { from: 6000 } });
    expect(summary.events.list.map((e) => e.tier)).toEqual(['turbo', 'pro', 'pro']);
  });

  it('counts restarts and crashes of the requested tier only', () => {
    const switched = timeline([0, 'turbo'], [4000, 'pro']);
    const events = [
      ev(1000, 'relay-crash'),
      ev(1001, 'relay-restart'),
      ev(5000, 'probe-crash'),
      ev(5001, 'probe-restart'),
    ];
    expect(summarizeEvents(events, false, range, switched, 'turbo').restarts).toEqual({
      relayRestarts: 1,
      relayCrashes: 1,
      probeRestarts: 0,
      probeCrashes: 0,
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../shared/metrics';
import { breachSpans, summarizeEvents, windowsOpenAt } from './events';
import { TierTimeline } from './timeline';

const ev = (at: number, kind: string, window = '15m'): HistoryEvent => ({ at, kind, details: { window } });
const none = new Set<string>();
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
    expect(breachSpans(events, none, range, tl)).toEqual([
      { window: '15m', from: 1000, to: 3000, durationMs: 2000, open: false },
    ]);
  });

  it('pairs each live window on its own, and heads the summary with the 15-minute window', () => {
    const events = [
      ev(1000, 'sla-breach', '15m'),
      ev(1200, 'sla-breach', '1h'),
      ev(2000, 'sla-recovered', '15m'),
      ev(5000, 'sla-recovered', '1h'),
      ev(6000, 'sla-breach', '24h'),
    ];
    expect(breachSpans(events, none, range, tl)).toEqual([
      { window: '15m', from: 1000, to: 2000, durationMs: 1000, open: false },
      { window: '1h', from: 1200, to: 5000, durationMs: 3800, open: false },
      { window: '24h', from: 6000, to: 10_000, durationMs: 4000, open: true },
    ]);
    const { breaches } = summarizeEvents(events, none, range, tl, 'turbo');
    expect(breaches).toMatchObject({ window: '15m', count: 1, totalMs: 1000 });
    expect(breaches.byWindow.map((w) => w.window)).toEqual(['15m', '1h', '24h']);
  });

  it('finds the windows already in breach before the period, walking back one event at a time', async () => {
    const history = [
      ev(-900, 'sla-breach', '24h'),
      ev(-800, 'sla-breach', '15m'),
      ev(-700, 'sla-recovered', '15m'),
      ev(-600, 'sla-breach', '1h'),
    ];
    let reads = 0;
    const last = async (at: number) => {
      reads++;
      return history.filter((e) => e.at < at).at(-1) ?? null;
    };
    expect(await windowsOpenAt(0, last)).toEqual(new Set(['1h', '24h']));
    expect(reads).toBe(4);
  });

  it('starts a breach open before the period at its start and cuts one still open at its end', () => {
    const events = [ev(2000, 'sla-recovered'), ev(8000, 'sla-breach')];
    expect(breachSpans(events, new Set(['15m']), range, tl)).toEqual([
      { window: '15m', from: 0, to: 2000, durationMs: 2000, open: false },
      { window: '15m', from: 8000, to: 10_000, durationMs: 2000, open: true },
    ]);
  });

  it('ends a breach at a tier change, and starts a new one for a breach under the new tier', () => {
    const switched = timeline([0, 'turbo'], [4000, 'pro']);
    const events = [ev(1000, 'sla-breach'), ev(6000, 'sla-breach'), ev(7000, 'sla-recovered')];
    expect(breachSpans(events, none, range, switched)).toEqual([
      { window: '15m', from: 1000, to: 4000, durationMs: 3000, open: false },
      { window: '15m', from: 6000, to: 7000, durationMs: 1000, open: false },
    ]);
    const summary = summarizeEvents(events, none, range, switched, 'pro');
    expect(summary.breaches).toMatchObject({ count: 1, totalMs: 1000, longest: { from: 6000 } });
    // Only this tier's events are listed.
    expect(summary.events.list.map((e) => e.tier)).toEqual(['pro', 'pro']);
  });

  it('counts restarts and crashes of the requested tier only', () => {
    const switched = timeline([0, 'turbo'], [4000, 'pro']);
    const events = [
      ev(1000, 'relay-crash'),
      ev(1001, 'relay-restart'),
      ev(5000, 'probe-crash'),
      ev(5001, 'probe-restart'),
    ];
    expect(summarizeEvents(events, none, range, switched, 'turbo').restarts).toEqual({
      relayRestarts: 1,
      relayCrashes: 1,
      probeRestarts: 0,
      probeCrashes: 0,
    });
  });
});

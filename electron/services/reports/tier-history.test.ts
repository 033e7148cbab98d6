import { describe, expect, it } from 'vitest';
import type { LaunchReport } from '../../../shared/launch';
import type { HistoryEvent } from '../../../shared/metrics';
import { summarizeEvents } from './events';
import { eventTierTimeline, launchPlansOf, tierOfEvent } from './tier-history';
import { TierTimeline } from './timeline';
import { TEST_LAUNCH } from './test-support/generated-history';

const plan = (tier: LaunchReport['tier'], nice: string): LaunchReport => ({
  ...TEST_LAUNCH,
  tier,
  argv: ['nice', '-n', nice, 'node', 'relay.mjs'],
  items: TEST_LAUNCH.items.map((i) => ({ ...i, requested: `${i.requested} ${nice}` })),
});
const PRO = plan('pro', '-5');
const ENTERPRISE = plan('enterprise', '-15');

/** A history as the panel writes it: enterprise, a switch to pro, a crash under pro, back to enterprise. */
const events: HistoryEvent[] = [
  { at: 1000, kind: 'measurement-start', details: { tier: 'enterprise', launch: ENTERPRISE } },
  { at: 2000, kind: 'sla-breach', details: { window: '15m' } },
  { at: 3000, kind: 'measurement-stop', details: { reason: 'tier-switch' } },
  { at: 3500, kind: 'tier-switch', details: { from: 'enterprise', to: 'pro' } },
  { at: 3500, kind: 'measurement-start', details: { tier: 'pro', launch: PRO } },
  { at: 4000, kind: 'relay-crash', details: {} },
  { at: 4100, kind: 'relay-restart', details: {} },
  { at: 5000, kind: 'tier-switch', details: { from: 'pro', to: 'enterprise' } },
  { at: 5000, kind: 'measurement-start', details: { tier: 'enterprise', launch: ENTERPRISE } },
  { at: 5500, kind: 'measurement-start', details: { tier: 'enterprise', launch: { broken: true } } },
];

describe('reports per tier: events and launch plans belong to the tier they happened under', () => {
  it('each event gets the tier it names or the last one named before it, never the samples’ guess', () => {
    const byEvents = eventTierTimeline(events, null);
    const bySamples = new TierTimeline();
    bySamples.note(0, 'pro'); // samples alone would say pro throughout
    expect(events.map((e) => tierOfEvent(e, byEvents, bySamples))).toEqual([
      'enterprise',
      'enterprise',
      'enterprise',
      'pro',
      'pro',
      'pro',
      'pro',
      'enterprise',
      'enterprise',
      'enterprise',
    ]);
  });

  it('an enterprise report lists only enterprise events, and counts only its restarts', () => {
    const byEvents = eventTierTimeline(events, null);
    const bySamples = new TierTimeline();
    const summary = summarizeEvents(
      events,
      new Set(),
      { from: 0, to: 10_000 },
      bySamples,
      'enterprise',
      (e) => tierOfEvent(e, byEvents, bySamples),
    );
    expect(summary.events.list.every((e) => e.tier === 'enterprise')).toBe(true);
    expect(summary.events.list.map((e) => e.at)).toEqual([1000, 2000, 3000, 5000, 5000, 5500]);
    expect(summary.restarts.relayCrashes).toBe(0);
  });

  it('launch plans of the tier, with when each took effect; a restart under the same plan is listed once', () => {
    expect(launchPlansOf('enterprise', events, null)).toEqual([{ at: 1000, launch: ENTERPRISE }]);
    expect(launchPlansOf('pro', events, null)).toEqual([{ at: 3500, launch: PRO }]);
    // The plan in effect when the period began comes from the event before it.
    const before = events[4]!;
    expect(launchPlansOf('pro', events.slice(5), before)).toEqual([{ at: 3500, launch: PRO }]);
    expect(launchPlansOf('turbo', events, null)).toEqual([]);
  });
});

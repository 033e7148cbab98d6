import { describe, expect, it } from 'vitest';
import type { MetricsTick, WindowName } from '../../../shared/metrics';
import { summarizeSla } from '../../../shared/verdict';
import { BreachTracker } from './breach-events';

const TARGET = { targetMs: 5, objective: 0.999 };

/** Every window with the same counts, but `overrides` per window. */
function windows(
  misses: number,
  n: number,
  overrides: Partial<Record<WindowName, { misses: number; n: number }>> = {},
): MetricsTick['windows'] {
  const at = (name: WindowName) => ({ sla: summarizeSla(overrides[name] ?? { misses, n }, TARGET) });
  return {
    '1m': at('1m'),
    '15m': at('15m'),
    '1h': at('1h'),
    '24h': at('24h'),
    session: at('session'),
  } as never;
}

describe('breach events', () => {
  it('records a breach once per window when it settles below, and a recovery once it passes again', () => {
    const tracker = new BreachTracker();
    // 20 misses in 3,000: settled below 99.9% in every window.
    const breached = tracker.changes(windows(20, 3000));
    expect(breached.map((e) => [e.kind, e.details.window])).toEqual([
      ['sla-breach', '15m'],
      ['sla-breach', '1h'],
      ['sla-breach', '24h'],
    ]);
    expect(breached[0]!.details).toMatchObject({ n: 3000, compliance: 1 - 20 / 3000 });
    // The same state again is no change.
    expect(tracker.changes(windows(20, 3000))).toEqual([]);
    // 15m recovers (no miss in 10,000); the others stay breached.
    const recovered = tracker.changes(windows(20, 3000, { '15m': { misses: 0, n: 10_000 } }));
    expect(recovered.map((e) => [e.kind, e.details.window])).toEqual([['sla-recovered', '15m']]);
  });

  it('misses that chance explains are no breach, and an open window neither breaches nor recovers', () => {
    const tracker = new BreachTracker();
    // 2 in 1,000 is below 99.9% but not settled (a 0.1% miss rate shows it often enough).
    expect(tracker.changes(windows(2, 1000))).toEqual([]);
    // A pass that was never a breach is not a recovery.
    expect(tracker.changes(windows(0, 10_000))).toEqual([]);
    expect(tracker.changes(windows(20, 3000)).length).toBe(3);
    // Back to too few samples: open, no event; passing after that is the breach's recovery (it was lost before).
    expect(tracker.changes(windows(0, 10))).toEqual([]);
    expect(tracker.changes(windows(0, 10_000)).map((e) => e.kind)).toEqual([
      'sla-recovered',
      'sla-recovered',
      'sla-recovered',
    ]);
  });

  it('a new tier starts with nothing seen: its first settled breach is recorded', () => {
    const tracker = new BreachTracker();
    expect(tracker.changes(windows(20, 3000)).length).toBe(3);
    tracker.reset();
    expect(tracker.changes(windows(20, 3000)).length).toBe(3);
  });
});

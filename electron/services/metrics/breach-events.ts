import type { MetricsTick, SlaSummary, WindowName } from '../../../shared/metrics';
import { summaryIsSettledBelow } from '../../../shared/verdict';

/** Windows whose verdict changes are recorded as sla-breach / sla-recovered events. */
const BREACH_WINDOWS: readonly WindowName[] = ['15m', '1h', '24h'];

export interface BreachEvent {
  readonly kind: 'sla-breach' | 'sla-recovered';
  readonly details: { readonly window: WindowName } & Pick<
    SlaSummary,
    'compliance' | 'n' | 'missUpperBound95'
  >;
}

/**
 * Turns each tick's window verdicts into history events, once per change: a breach when a window
 * settles below its objective, a recovery when a breached window passes again. Breaches follow
 * settled misses only (shared/verdict.ts): one early timeout is not a breach, and a window still
 * open neither breaches nor recovers.
 */
export class BreachTracker {
  private readonly verdicts = new Map<WindowName, 'breach' | 'ok' | 'open'>();

  /** A new tier's windows: nothing it has not seen itself is a change. */
  reset(): void {
    this.verdicts.clear();
  }

  changes(windows: MetricsTick['windows']): BreachEvent[] {
    const events: BreachEvent[] = [];
    for (const window of BREACH_WINDOWS) {
      const sla = windows[window].sla;
      const before = this.verdicts.get(window);
      const state = summaryIsSettledBelow(sla) ? 'breach' : sla.verdict === 'pass' ? 'ok' : 'open';
      // An open window keeps what it last settled on: breach, open, pass is a recovery.
      if (state === before || state === 'open') continue;
      this.verdicts.set(window, state);
      const details = {
        window,
        compliance: sla.compliance,
        n: sla.n,
        missUpperBound95: sla.missUpperBound95,
      };
      if (state === 'breach') events.push({ kind: 'sla-breach', details });
      else if (before === 'breach') events.push({ kind: 'sla-recovered', details });
    }
    return events;
  }
}

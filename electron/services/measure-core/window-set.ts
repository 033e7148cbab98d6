import type { LatencySummary, WindowName } from '../../../shared/metrics';
import type { Hdr } from './hdr';
import { MinuteBuilder, RunningTotal, SlidingWindow, type Unit } from './rolling-windows';

const SECOND_SPANS = { '1m': 60_000, '15m': 900_000, '1h': 3_600_000 } as const;
const DAY_MS = 86_400_000;

/**
 * The five live windows over one kind of per-second unit (latency, or the probe's own lateness): 1m,
 * 15m and 1h slide over seconds, 24h over per-minute merges plus the current minute, session is a
 * running merge. Each is an exact merge of the seconds inside it.
 */
export class WindowSet {
  private readonly seconds: Record<keyof typeof SECOND_SPANS, SlidingWindow> = {
    '1m': new SlidingWindow(SECOND_SPANS['1m']),
    '15m': new SlidingWindow(SECOND_SPANS['15m']),
    '1h': new SlidingWindow(SECOND_SPANS['1h']),
  };
  private readonly day = new SlidingWindow(DAY_MS);
  private minute: MinuteBuilder | null = null;
  private readonly session = new RunningTotal();

  /** `scratch` only maps values to their HDR bucket (for the per-minute grouping). */
  constructor(private readonly scratch: Hdr) {}

  /**
   * A closed second. `inSession` false: a second replayed from history (before this panel's session
   * began) fills the time windows but not the session.
   */
  add(unit: Unit, inSession = true): void {
    for (const w of Object.values(this.seconds)) {
      w.add(unit);
      w.expire(unit.t);
    }
    const minuteStart = unit.t - (unit.t % 60_000);
    if (this.minute && this.minute.t !== minuteStart) {
      this.day.seal(this.minute.build());
      this.minute = null;
    }
    this.minute ??= new MinuteBuilder(minuteStart, (us) => this.scratch.lowestEquivalentValue(us));
    this.minute.add(unit);
    this.day.record(unit);
    this.day.expire(unit.t);
    if (inSession) this.session.add(unit);
  }

  /**
   * A whole minute from history (the minute roll-up), older than any second added so far: only the day
   * window holds minutes. Minutes must come in time order and before the seconds that follow them.
   */
  addMinute(unit: Unit): void {
    this.day.add(unit);
  }

  /**
   * Where each window starts, for the newest closed second `newest` (its start): 1m/15m/1h hold the
   * seconds after newest − span, 24h the minutes after it, so a report over [from, newest + 1 s) counts
   * exactly the same samples.
   */
  static spanOf(name: Exclude<WindowName, 'session'>, newest: number): { from: number; to: number } {
    const to = newest + 1000;
    if (name === '24h') return { from: (Math.floor((newest - DAY_MS) / 60_000) + 1) * 60_000, to };
    return { from: newest - SECOND_SPANS[name] + 1000, to };
  }

  expire(newest: number): void {
    for (const w of Object.values(this.seconds)) w.expire(newest);
    this.day.expire(newest);
  }

  sessionCounts(): { n: number; misses: number } {
    return this.session.counts;
  }

  summaries(): Record<WindowName, LatencySummary> {
    return {
      '1m': this.seconds['1m'].summary(),
      '15m': this.seconds['15m'].summary(),
      '1h': this.seconds['1h'].summary(),
      '24h': this.day.summary(),
      session: this.session.summary(),
    };
  }
}

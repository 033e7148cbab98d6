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

  add(unit: Unit): void {
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
    this.session.add(unit);
  }

  expire(newest: number): void {
    for (const w of Object.values(this.seconds)) w.expire(newest);
    this.day.expire(newest);
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

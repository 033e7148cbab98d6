import type { Clock, Timers } from '../schedule';

interface FakeTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Settles promise chains started by a timer callback before the next timer runs. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A manual clock and timer queue for driving the schedule in tests. `freeze` moves time without
 * running timers, which is what a stalled event loop (or a SIGSTOPped probe) looks like.
 */
export class FakeClock implements Clock, Timers {
  private t: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  set(fn: () => void, delayMs: number): unknown {
    const timer = { at: this.t + Math.max(0, delayMs), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  clear(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Jump forward without firing anything. */
  freeze(ms: number): void {
    this.t += ms;
  }

  /** Run every timer due up to `target`, in order, each at its own time (never before now). */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      let first: FakeTimer | undefined;
      for (const timer of this.timers) {
        if (timer.at > target) continue;
        if (!first || timer.at < first.at || (timer.at === first.at && timer.seq < first.seq)) first = timer;
      }
      if (!first) break;
      this.timers = this.timers.filter((t) => t !== first);
      this.t = Math.max(this.t, first.at);
      first.fn();
      await settle();
    }
    this.t = Math.max(this.t, target);
  }
}

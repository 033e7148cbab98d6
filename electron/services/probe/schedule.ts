/**
 * The fixed-rate probe schedule, free of I/O so it can be driven by a fake clock in tests.
 *
 * Coordinated omission (Gil Tene): a prober that waits for each answer before sending the next stops
 * asking exactly when the server is slow, so a stall shows up as one slow sample instead of all the
 * requests that would have arrived during it. Here every slot k has an intended send time
 * start + k/rate that never moves, and latency = completion − intended send time.
 *
 * The choice for a request still outstanding when the next slot is due: the next one is issued
 * CONCURRENTLY (the transport opens another keep-alive socket, up to a cap, and queues beyond it).
 * That is what a population of independent clients does, and queueing in the transport is still
 * charged to the sample because the clock started at the intended time. A slot that is already past
 * its timeout when the probe gets to it (the probe itself was frozen) is recorded as a timeout
 * without being sent, so a frozen probe cannot burst hundreds of requests at the relay.
 *
 * Timers in Node have whole-millisecond resolution and fire up to ~1 ms either side of their time, so
 * a late wake-up would add up to a millisecond of the probe's own jitter to every sample (a lot for a
 * 5 ms target). The timer is therefore armed LEAD_MS early and a slot within EARLY_TOLERANCE_MS of its
 * intended time is sent; each sample is measured from whichever is earlier, the intended or the
 * actual send time. A sample is never shorter than the real round trip, and a stall is still charged
 * from the intended time.
 *
 * Lateness (actual send − intended send) is recorded with every sample, so a slow machine can be told
 * apart from a slow relay: the latency still counts from the intended time (a late probe is what a
 * client on that machine would see), but the report can say how much of it was the probe's own.
 * With `spinMs` > 0 (the turbo and enterprise tiers) the timer wakes LEAD_MS + spinMs early and the
 * last stretch is a busy-wait to the intended time: no early sends, and a timer's millisecond of
 * jitter no longer lands in a 5 ms budget. It costs CPU (bench: `npm run bench -- probe`).
 */

export interface Clock {
  /** Epoch ms with sub-millisecond resolution (shared/clock's nowMs). */
  now(): number;
}

export interface Timers {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/** Resolves true for a good answer, false (or rejects) for an error; must honour the abort signal. */
/**
 * Sends one request; resolves with whether it succeeded, or with that and the moment the answer's last
 * byte was read (`at`, on the schedule's clock): the book-keeping between that moment and the promise
 * settling (listeners, timers, microtask hops) is the probe's, not the relay's.
 */
export type Issue = (signal: AbortSignal) => Promise<boolean | IssueResult>;

/**
 * An Issue in two steps: the transport's book-keeping when called (before the spin), the request when
 * the returned function is called (right after it, in the same synchronous run).
 */
export type StagedIssue = (signal: AbortSignal) => () => Promise<boolean | IssueResult>;

export interface IssueResult {
  readonly ok: boolean;
  readonly at: number;
  /** The probe's own busy time in the answer's window (http-client.ts, PoolAnswer.ownMs). */
  readonly ownMs?: number;
}

/** Whether an issue's result was a success, whichever form it came in. */
export function issueOk(result: boolean | IssueResult): boolean {
  return typeof result === 'boolean' ? result : result.ok;
}

export interface Sample {
  /** Intended send time. */
  readonly t: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  /** Actual send − intended send, ms: negative when sent early, the wait when never sent (frozen). */
  readonly lateMs: number;
  /** The probe's own busy time between its send and the answer, ms, where the transport measures it. */
  readonly ownMs?: number;
}

export interface ScheduleOptions {
  readonly rateHz: number;
  readonly timeoutMs: number;
  /** Intended time of slot 0. */
  readonly startAt: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly issue: Issue;
  /** When given, used instead of `issue` for every request (see StagedIssue). */
  readonly stage?: StagedIssue;
  readonly onSample: (sample: Sample) => void;
  /** Busy-wait this much before each send instead of sending early (0: timers only). */
  readonly spinMs?: number;
  /** Waits until clock.now() ≥ t; the fake clock in tests moves time instead. */
  readonly spinUntil?: (t: number) => void;
  /**
   * Called WARM_LEAD_MS before a spun slot's send (spin path only): the transport readies its write
   * path without sending (http-client.ts, KeepAlivePool.warm).
   */
  readonly warm?: () => void;
}

export const EARLY_TOLERANCE_MS = 2;
export const LEAD_MS = 1;
/**
 * How long before a spun send the transport's write path is warmed: late enough that nothing evicts it
 * again (the spin touches little), early enough that the warm-up's own write has returned.
 */
export const WARM_LEAD_MS = 0.1;

/** The real busy-wait: a tight loop on the clock, for at most the spin window. */
export function spinUntilWith(clock: Clock): (t: number) => void {
  return (t) => {
    while (clock.now() < t) {
      // spin: the whole point is not to yield to the event loop's millisecond timers
    }
  };
}

export class FixedRateSchedule {
  readonly intervalMs: number;
  private next = 0;
  private timer: unknown = null;
  private running = false;
  private readonly inFlight = new Set<AbortController>();
  private readonly spinMs: number;
  private readonly spinUntil: (t: number) => void;

  constructor(private readonly o: ScheduleOptions) {
    if (!(o.rateHz > 0)) throw new RangeError(`rate must be positive: ${o.rateHz}`);
    this.intervalMs = 1000 / o.rateHz;
    // Never spin for more than half an interval: at high rates that would be a busy core.
    this.spinMs = Math.min(Math.max(0, o.spinMs ?? 0), this.intervalMs / 2);
    this.spinUntil = o.spinUntil ?? spinUntilWith(o.clock);
  }

  /** Intended send time of slot k: computed from k, never accumulated, so it cannot drift. */
  intendedAt(slot: number): number {
    return this.o.startAt + slot * this.intervalMs;
  }

  get outstanding(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  /** Requests still in flight are aborted and produce no sample: stopping is not the relay's fault. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) this.o.timers.clear(this.timer);
    this.timer = null;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private arm(): void {
    if (!this.running) return;
    const delay = Math.max(0, this.intendedAt(this.next) - this.o.clock.now() - LEAD_MS - this.spinMs);
    this.timer = this.o.timers.set(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.o.clock.now();
    if (this.spinMs > 0) {
      // Late slots go out at once; the next one, if it is inside the spin window, exactly on time.
      while (this.intendedAt(this.next) <= now) this.launch(this.intendedAt(this.next++), now);
      const upcoming = this.intendedAt(this.next);
      if (upcoming <= now + this.spinMs + LEAD_MS) {
        // This slot's book-keeping and the next slot's timer come before the spin, the request alone
        // after it: work done while a request is in flight competes with the relay for a core.
        const send = this.prepare(upcoming, now);
        this.next++;
        this.arm();
        if (this.o.warm) {
          this.spinUntil(upcoming - WARM_LEAD_MS);
          this.o.warm();
        }
        this.spinUntil(upcoming);
        send();
        return;
      }
    } else {
      // Every slot that is due goes out now, however many: a late wake-up must not skip any.
      while (this.intendedAt(this.next) <= now + EARLY_TOLERANCE_MS) {
        this.launch(this.intendedAt(this.next), now);
        this.next++;
      }
    }
    this.arm();
  }

  private launch(intended: number, now: number): void {
    this.prepare(intended, now)();
  }

  /**
   * A slot's book-keeping (its abort controller, its deadline, its answer handler) without its request:
   * the returned function sends it. The spin path prepares before spinning, so that the write is all
   * that follows the spin; work done after it would be in flight with the request and, on a loaded
   * machine, compete with the relay for a core.
   */
  private prepare(intended: number, now: number): () => void {
    const { clock, timers, timeoutMs, onSample } = this.o;
    if (now - intended >= timeoutMs) {
      return () => onSample({ t: intended, latencyMs: now - intended, ok: false, lateMs: now - intended });
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    let sentAt = intended;
    let done = false;
    const finish = (result: boolean | IssueResult): void => {
      const end = typeof result === 'boolean' ? clock.now() : result.at;
      const ok = issueOk(result);
      if (done) return;
      done = true;
      timers.clear(deadline);
      const stopped = !this.inFlight.delete(controller);
      if (stopped) return;
      const start = Math.min(intended, sentAt);
      const ownMs = typeof result === 'boolean' ? undefined : result.ownMs;
      onSample({
        t: intended,
        latencyMs: Math.max(0, end - start),
        ok,
        lateMs: sentAt - intended,
        ...(ownMs === undefined ? {} : { ownMs }),
      });
    };
    // The deadline counts from the intended time too: a request queued behind a stall times out on
    // the schedule's terms, not on its own.
    const deadline = timers.set(
      () => {
        finish(false);
        controller.abort();
      },
      Math.max(0, intended + timeoutMs - now),
    );
    let request: () => Promise<boolean | IssueResult>;
    try {
      request = this.o.stage ? this.o.stage(controller.signal) : () => this.o.issue(controller.signal);
    } catch {
      request = () => Promise.resolve(false);
    }
    return () => {
      sentAt = clock.now();
      let pending: Promise<boolean | IssueResult>;
      try {
        pending = request();
      } catch {
        pending = Promise.resolve(false);
      }
      pending.then(
        (result) => finish(result),
        () => finish(false),
      );
    };
  }
}

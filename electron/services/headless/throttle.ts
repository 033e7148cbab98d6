import { exponentialDelay } from '../../../shared/backoff';

/**
 * Slows token guessing per source address. The first few wrong tokens cost nothing (a mistyped
 * URL); past that each wrong token's 401 is held back for a delay that doubles up to a cap, and an
 * address already waiting on `maxPending` held-back answers gets 429 at once, so guessing in
 * parallel gains nothing either. The server checks the token before asking the throttle: a right
 * token is never delayed nor refused, and it does not wipe the address's failures either (guessers
 * on 127.0.0.1 share the address with the user, and must not be reset by the user's success).
 */
export interface ThrottleOptions {
  readonly freeFailures: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxPending: number;
  /** Failures older than this are forgotten. */
  readonly forgetAfterMs: number;
  /** Addresses remembered at most (least recently failed forgotten first): the map has a bound. */
  readonly maxAddresses: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 5,
  initialDelayMs: 100,
  maxDelayMs: 5000,
  maxPending: 4,
  forgetAfterMs: 10 * 60_000,
  maxAddresses: 10_000,
};

interface Failures {
  count: number;
  lastAt: number;
  pending: number;
}

export class FailureThrottle {
  private readonly records = new Map<string, Failures>();

  constructor(
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** False while the address already has `maxPending` wrong-token answers held back: answer 429. */
  mayCheck(address: string): boolean {
    return (this.current(address)?.pending ?? 0) < this.options.maxPending;
  }

  /** Records a wrong token and returns how long its answer is held back. */
  recordFailure(address: string): number {
    const now = this.now();
    const record = this.current(address) ?? { count: 0, lastAt: now, pending: 0 };
    record.count++;
    record.lastAt = now;
    // Re-insert so the Map's order is least recently failed first.
    this.records.delete(address);
    this.records.set(address, record);
    for (const oldest of this.records.keys()) {
      if (this.records.size <= this.options.maxAddresses) break;
      this.records.delete(oldest);
    }
    const over = record.count - this.options.freeFailures;
    return over <= 0 ? 0 : exponentialDelay(over - 1, this.options.initialDelayMs, this.options.maxDelayMs);
  }

  /** Holds a wrong-token answer back for `delayMs`, counted as pending meanwhile. */
  async holdBack(address: string, delayMs: number): Promise<void> {
    if (delayMs <= 0) return;
    const record = this.records.get(address);
    if (record) record.pending++;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (record) record.pending--;
  }

  get size(): number {
    return this.records.size;
  }

  private current(address: string): Failures | null {
    const record = this.records.get(address);
    if (!record) return null;
    if (record.pending === 0 && this.now() - record.lastAt > this.options.forgetAfterMs) {
      this.records.delete(address);
      return null;
    }
    return record;
  }
}

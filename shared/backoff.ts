/**
 * The one exponential backoff: restarts, reconnects, bans and throttles all grow their delay by it.
 * Pure, so each user decides what counts as a step and when to start again.
 */

/** `initialMs` × 2^step (step 0 is the first delay), capped at `capMs`. */
export function exponentialDelay(step: number, initialMs: number, capMs: number): number {
  // 2^31 already dwarfs any sane cap; clamping the exponent keeps the arithmetic finite.
  const exponent = Math.min(Math.max(0, Math.floor(step)), 31);
  return Math.min(capMs, initialMs * 2 ** exponent);
}

/** Successive delays, doubling from `initialMs` up to `capMs`, back to the first after `reset()`. */
export class Backoff {
  private step = 0;
  constructor(
    readonly initialMs: number,
    readonly capMs: number,
  ) {}

  next(): number {
    const delay = exponentialDelay(this.step, this.initialMs, this.capMs);
    if (delay < this.capMs) this.step++;
    return delay;
  }

  reset(): void {
    this.step = 0;
  }
}

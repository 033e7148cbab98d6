/** Exponential backoff: initial × 2^(attempt-1), capped. Attempt 1 is the first restart. */
export function backoffDelay(attempt: number, initialMs: number, capMs: number): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^31 already dwarfs any sane cap; clamping the exponent keeps the arithmetic finite.
  return Math.min(capMs, initialMs * 2 ** Math.min(exponent, 31));
}

/** Counts crashes inside a sliding time window (PM2's "max restarts within"). */
export class CrashWindow {
  private times: number[] = [];
  constructor(public windowMs: number) {}

  /** Records a crash at `now` and returns how many fall inside the window, this one included. */
  record(now: number): number {
    this.times.push(now);
    this.times = this.times.filter((time) => now - time < this.windowMs);
    return this.times.length;
  }

  clear(): void {
    this.times = [];
  }
}

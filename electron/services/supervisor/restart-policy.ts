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

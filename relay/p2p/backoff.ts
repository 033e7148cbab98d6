/** Reconnect delays: doubling from `base` up to `cap`, back to `base` once the owner judges the peer good. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly baseMs = 250,
    private readonly capMs = 30_000,
  ) {}

  next(): number {
    const delay = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    if (delay < this.capMs) this.attempt++;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}

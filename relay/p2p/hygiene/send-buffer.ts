/** The part of a net.Socket the guard needs, so it can be tested with a stand-in. */
export interface GuardedSocket {
  readonly writableLength: number;
  pause(): unknown;
  resume(): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export interface SendBufferOptions {
  readonly capBytes: number;
  readonly stallMs: number;
}

/** Past this many times the cap the peer is dropped at once, without waiting out the stall time. */
const HARD_CAP_FACTOR = 4;
/**
 * Messages parsed from the chunk in hand when the buffer filled. The socket is paused at once, so
 * this is at most one read's worth (64 KB of 24-byte frames is ~2,700); past it the peer is dropped.
 */
export const MAX_HELD = 4096;

/**
 * Bitcoin Core's fPauseSend: while more than `capBytes` of our replies sit unsent (the peer does not
 * read them), we stop reading and processing that peer's messages, so it cannot make us queue more.
 * A peer that stays over the cap for `stallMs`, or pushes the queue past four times the cap, is
 * dropped through `onOverflow`.
 */
export class SendBufferGuard<T> {
  private pausedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private held: T[] = [];
  private closed = false;

  constructor(
    private readonly socket: GuardedSocket,
    private readonly opts: SendBufferOptions,
    private readonly deliver: (item: T) => void,
    private readonly onOverflow: (message: string) => void,
  ) {}

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  /** A message from the peer: processed now, or held while the peer is not reading our replies. */
  offer(item: T): void {
    if (this.closed) return;
    if (this.pausedAt === null) return this.deliver(item);
    this.held.push(item);
    if (this.held.length > MAX_HELD) this.onOverflow(`${this.held.length} messages held unprocessed`);
  }

  /** Call after every write. */
  afterWrite(): void {
    const queued = this.socket.writableLength;
    if (queued > this.opts.capBytes * HARD_CAP_FACTOR) {
      this.onOverflow(
        `${queued} bytes queued unread, over ${HARD_CAP_FACTOR}× the ${this.opts.capBytes}-byte cap`,
      );
      return;
    }
    if (this.pausedAt !== null || queued <= this.opts.capBytes) return;
    this.pausedAt = Date.now();
    this.socket.pause();
    this.socket.once('drain', () => this.resume());
    this.timer = setTimeout(() => {
      this.onOverflow(
        `${this.socket.writableLength} bytes queued unread for ${this.opts.stallMs} ms (cap ${this.opts.capBytes})`,
      );
    }, this.opts.stallMs);
    this.timer.unref();
  }

  dispose(): void {
    this.closed = true;
    this.held = [];
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Drained: work through what arrived meanwhile (which may fill the buffer again), then read on. */
  private resume(): void {
    if (this.pausedAt === null || this.closed) return;
    this.pausedAt = null;
    this.clearTimer();
    while (this.held.length > 0 && this.pausedAt === null && !this.closed) {
      const item = this.held.shift() as T;
      this.deliver(item);
    }
    if (this.pausedAt === null && !this.closed) this.socket.resume();
  }
}

/** The part of a net.Socket a read budget needs, so it can be tested with a stand-in. */
export interface PausableSocket {
  pause(): unknown;
  resume(): unknown;
}

export interface ReadBudgetOptions {
  /** Processing time one peer may take in one event-loop turn before its reads wait for the next. */
  readonly budgetMs: number;
  /** False while something else (the send-buffer guard) holds the socket paused: not ours to undo. */
  readonly mayResume: () => boolean;
  /** Runs `fn` once this turn's I/O callbacks are done; setImmediate outside tests. */
  readonly nextTurn?: (fn: () => void) => void;
}

/**
 * Libuv reads a busy socket up to 32 times (2 MB at our 64 KB read buffer) in one turn, and the peer's
 * messages are processed as each read lands: a peer streaming cheap-to-send, costly-to-check data (a
 * side-chain flood: 4,000 headers, each hashed, verified and stored) held the event loop for 50–150 ms
 * and the API waited behind it. Past its budget in a turn a peer's socket is paused until the next
 * turn, so the API's requests that arrived meanwhile are answered between one peer's reads.
 */
export class ReadBudget {
  private spentMs = 0;
  private turnArmed = false;
  private yielding = false;
  private readonly nextTurn: (fn: () => void) => void;

  constructor(
    private readonly socket: PausableSocket,
    private readonly o: ReadBudgetOptions,
  ) {
    this.nextTurn = o.nextTurn ?? ((fn) => setImmediate(fn));
  }

  /** Whether this peer's reads are waiting for the next turn. */
  get waiting(): boolean {
    return this.yielding;
  }

  /** Charges one read's processing time; past the budget the socket pauses until the next turn. */
  charge(ms: number): void {
    this.spentMs += ms;
    if (!this.turnArmed) {
      this.turnArmed = true;
      this.nextTurn(() => this.newTurn());
    }
    if (this.spentMs >= this.o.budgetMs && !this.yielding) {
      this.yielding = true;
      this.socket.pause();
    }
  }

  private newTurn(): void {
    this.turnArmed = false;
    this.spentMs = 0;
    if (!this.yielding) return;
    this.yielding = false;
    if (this.o.mayResume()) this.socket.resume();
  }
}

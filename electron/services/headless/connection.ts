import { WebSocket, type RawData } from 'ws';
import { ApiError, ClientMessage, describeIssues } from '../../../shared/api';
import { toApiError, type Dispatch } from '../api/dispatcher';

export interface ConnectionLimits {
  /**
   * Past this much unsent data the client is not reading its answers: every further answer would
   * only grow the server, so the connection is closed. Judged before each answer on what already
   * waits, so one large answer (a long history) still reaches a client that reads. (The kernel's
   * socket buffers hold a few MB more before anything counts here.)
   */
  readonly maxBufferedBytes: number;
  /** Requests running at once; the next wait in a queue while reading from the client pauses. */
  readonly maxInflight: number;
  /** Requests waiting (what arrived in one read after the pause); past it they are answered BUSY. */
  readonly maxQueued: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxBufferedBytes: 2 * 1024 * 1024,
  maxInflight: 64,
  maxQueued: 4096,
};

/** Past this much unsent data a client is too slow for live events; it still gets its answers. */
const SLOW_CLIENT_BYTES = 1024 * 1024;

/** WebSocket close code 1008 (policy violation), with a reason a developer can act on. */
export const BACKLOG_CLOSE = {
  code: 1008,
  reason:
    'outgoing buffer over its cap: client not reading answers; this and later requests were not answered',
} as const;

/** After the close frame, how long a client that does not read gets before its socket is dropped. */
const CLOSE_GRACE_MS = 1000;

/** Heavy commands a client may run only one of at a time (each holds a file and a history scan). */
const ONE_AT_A_TIME: ReadonlyMap<string, string> = new Map([
  ['report.export', 'A report export is already running on this connection; wait for it or cancel it.'],
]);

type Request = { id: number; method: string; params?: unknown };

/**
 * One client's requests over one WebSocket. Reading pauses while `maxInflight` requests run, so a
 * client sending faster than it is answered is slowed to the server's pace instead of piling up
 * work; a client that does not read its answers is closed once they pass `maxBufferedBytes`.
 */
export class Connection {
  private readonly inflight = new Map<number, AbortController>();
  private readonly queue: Request[] = [];
  private readonly runningExclusive = new Set<string>();
  private paused = false;
  /** Set once the outgoing buffer passed the cap: nothing more is read, run or answered. */
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly dispatch: Dispatch,
    private readonly limits: ConnectionLimits,
  ) {}

  sendEvent(envelope: unknown): void {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount < SLOW_CLIENT_BYTES)
      this.ws.send(JSON.stringify(envelope));
  }

  abortAll(): void {
    for (const controller of this.inflight.values()) controller.abort();
    this.queue.length = 0;
  }

  /** A frame from the client: bad ones and cancels are handled at once, requests run or queue. */
  receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const message = this.parse(data, isBinary);
    if (!message) return;
    if ('cancel' in message) {
      this.inflight.get(message.id)?.abort();
      return;
    }
    if (this.inflight.size < this.limits.maxInflight) {
      void this.run(message);
      return;
    }
    if (this.queue.length >= this.limits.maxQueued) {
      this.reply({
        id: message.id,
        error: new ApiError('BUSY', 'Too many requests queued; wait for answers.').toJSON(),
      });
      return;
    }
    this.queue.push(message);
    if (!this.paused) {
      this.paused = true;
      this.ws.pause();
    }
  }

  private parse(data: RawData, isBinary: boolean): Request | { id: number; cancel: true } | null {
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not accepted');
      raw = JSON.parse(data.toString());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.reply({
        id: null,
        error: new ApiError('BAD_MESSAGE', `Message is not JSON text: ${reason}`).toJSON(),
      });
      return null;
    }
    const parsed = ClientMessage.safeParse(raw);
    if (parsed.success) return parsed.data;
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
    this.reply({
      id,
      error: new ApiError('BAD_MESSAGE', `Malformed message: ${describeIssues(parsed.error)}`).toJSON(),
    });
    return null;
  }

  private async run(message: Request): Promise<void> {
    const refusal = this.refusal(message);
    if (refusal) {
      this.reply({ id: message.id, error: refusal.toJSON() });
      return;
    }
    const controller = new AbortController();
    this.inflight.set(message.id, controller);
    const exclusive = ONE_AT_A_TIME.has(message.method);
    if (exclusive) this.runningExclusive.add(message.method);
    try {
      const result = await this.dispatch(message.method, message.params, { signal: controller.signal });
      this.reply({ id: message.id, result });
    } catch (error) {
      this.reply({ id: message.id, error: toApiError(error).toJSON() });
    } finally {
      this.inflight.delete(message.id);
      if (exclusive) this.runningExclusive.delete(message.method);
      this.next();
    }
  }

  /** Runs queued requests while there is room, and reads from the client again once none wait. */
  private next(): void {
    while (!this.closed && this.queue.length > 0 && this.inflight.size < this.limits.maxInflight) {
      void this.run(this.queue.shift()!);
    }
    if (!this.closed && this.queue.length === 0 && this.paused) {
      this.paused = false;
      this.ws.resume();
    }
  }

  private refusal(message: Request): ApiError | null {
    if (this.inflight.has(message.id))
      return new ApiError('BAD_MESSAGE', `Request id ${message.id} is already in flight.`);
    const busy = ONE_AT_A_TIME.get(message.method);
    if (busy && this.runningExclusive.has(message.method)) return new ApiError('BUSY', busy);
    return null;
  }

  private reply(message: unknown): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.closeForBacklog();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  /** The answer that would pass the cap is not sent, nor any after it; the close reason says so. */
  private closeForBacklog(): void {
    this.closed = true;
    this.abortAll();
    // Stop reading what it keeps sending: none of it will be answered.
    this.ws.pause();
    this.ws.close(BACKLOG_CLOSE.code, BACKLOG_CLOSE.reason);
    // A client that does not read will not read the close frame either: drop what it left queued.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
  }
}

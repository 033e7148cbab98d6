import net from 'node:net';
import { nowMs } from '../../../shared/clock';
import { ProbeHttpError, parseResponse } from './http-response';

export { ProbeHttpError, parseResponse } from './http-response';

/**
 * The probe's HTTP/1.1 client: one fixed GET over a small pool of keep-alive sockets, nothing else.
 *
 * Why not node:http's Agent: against the real relay on a 2-core machine its request and response
 * machinery (ClientRequest, IncomingMessage streams, several ticks) took 0.27 ms more at p50 than the
 * round trip itself (0.56 against 0.29 ms), and the probe charges every microsecond between the
 * intended send and the answer to the relay. The timing tests in test/independent-prober/ hold the
 * panel to 10% (or 0.05 ms) of a raw client in Node and of one in C; this is what meets them. Only what a probe needs: the request bytes are built once, the
 * response is read by Content-Length or chunked encoding, and any surprise closes the socket.
 */

export interface PoolOptions {
  readonly host: string;
  readonly port: number;
  /** Path and headers; Host and Connection are added here. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sockets open at most; more requests wait in a queue of at most `maxQueued`. */
  readonly maxSockets: number;
  readonly maxQueued?: number;
  /** A response larger than this is an error (the socket is closed): the buffer stays bounded. */
  readonly maxResponseBytes?: number;
  /** The clock answers are stamped with (epoch ms); the probe's own by default. */
  readonly now?: () => number;
}

/** A complete answer: its status, when its last byte was read, and the probe's own share of the wait. */
export interface PoolAnswer {
  readonly status: number;
  readonly at: number;
  /**
   * How long this process was busy (not waiting in the event loop's poll) between the request's write
   * returning and the answer's stamp: its own work in the answer's window, which the relay is charged
   * for only where it delayed the stamp. An upper bound on the probe's own share of the latency.
   */
  readonly ownMs: number;
}

interface Pending {
  readonly resolve: (answer: PoolAnswer) => void;
  readonly reject: (err: Error) => void;
  readonly signal: AbortSignal;
  onAbort?: () => void;
}

/**
 * Time this process has spent waiting in the event loop's poll (libuv's idle time), ms. What a request's
 * window did not spend there, the probe spent on its own work (see PoolAnswer.ownMs).
 */
const loopIdleMs = (): number => performance.nodeTiming.idleTime;
const EMPTY = Buffer.alloc(0);
/** One read buffer per pool: reads are handled one at a time, and an answer is about 0.5 KB. */
const READ_BUFFER_BYTES = 64 * 1024;

class Connection {
  readonly socket: net.Socket;
  private readonly now: () => number;
  private buf: Buffer = Buffer.alloc(0);
  current: Pending | null = null;
  closed = false;
  /** performance.now() and the loop's idle time when the current request's write returned. */
  private writtenAt = 0;
  private idleAtWrite = 0;

  constructor(
    private readonly pool: KeepAlivePool,
    o: PoolOptions,
    private readonly maxBytes: number,
    readBuffer: Buffer,
  ) {
    this.now = o.now ?? nowMs;
    // `onread` hands each read to us straight from the socket's handle, without the stream's push and
    // 'data' machinery in between: against a C prober that machinery was 0.02–0.05 ms at p50 between
    // the answer's arrival and its stamp, charged to the relay (test/independent-prober/c-prober).
    this.socket = net.connect({
      host: o.host,
      port: o.port,
      noDelay: true,
      onread: { buffer: readBuffer, callback: (n, buf) => this.onRead(buf, n) },
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new ProbeHttpError('connection closed')));
  }

  send(p: Pending, request: Buffer): void {
    this.current = p;
    this.socket.write(request);
    this.writtenAt = performance.now();
    this.idleAtWrite = loopIdleMs();
  }

  /** A write of nothing: see KeepAlivePool.warm. */
  warm(): void {
    if (!this.closed && this.current === null) this.socket.write(EMPTY);
  }

  /** `buf` is the pool's read buffer, reused for the next read: whatever is kept is copied out. */
  private onRead(buf: Uint8Array, n: number): boolean {
    // Stamped first: parsing and everything after it is the probe's time, not the relay's.
    const at = this.now();
    // Read after the stamp, so they cost the stamp nothing.
    const ownMs = Math.max(0, performance.now() - this.writtenAt - (loopIdleMs() - this.idleAtWrite));
    const chunk = buf.subarray(0, n);
    this.buf = Buffer.concat(this.buf.length === 0 ? [chunk] : [this.buf, chunk]);
    this.onData(at, ownMs);
    return true;
  }

  private onData(at: number, ownMs: number): void {
    if (this.buf.length > this.maxBytes) return this.fail(new ProbeHttpError('response too large'));
    let parsed;
    try {
      parsed = parseResponse(this.buf);
    } catch (err) {
      return this.fail(err instanceof Error ? err : new ProbeHttpError(String(err)));
    }
    if (!parsed) return;
    const p = this.current;
    this.current = null;
    this.buf = this.buf.subarray(parsed.end);
    // Bytes past one response on a one-request-at-a-time socket are a protocol error.
    if (!p || this.buf.length > 0) return this.fail(new ProbeHttpError('unexpected bytes after a response'));
    if (parsed.close) this.close();
    p.resolve({ status: parsed.status, at, ownMs });
    this.pool.released(this);
  }

  /** Destroys the socket; the request on it (if any) fails with `err`. */
  fail(err: Error): void {
    const p = this.current;
    this.current = null;
    this.close();
    if (p) p.reject(err);
    this.pool.released(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * GET `path` over at most `maxSockets` keep-alive sockets; requests beyond wait in a bounded FIFO. An
 * aborted request in flight closes its socket (its answer can no longer be told from the next one's).
 */
export class KeepAlivePool {
  private readonly request: Buffer;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private readonly maxQueued: number;
  private readonly maxBytes: number;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** The socket a staged request will be written on (stage), warmed first (warm). */
  private staged: Connection | null = null;
  private destroyed = false;

  constructor(private readonly o: PoolOptions) {
    const headers = { ...o.headers, host: `${o.host}:${o.port}`, connection: 'keep-alive' };
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    this.request = Buffer.from(`GET ${o.path} HTTP/1.1\r\n${lines.join('')}\r\n`, 'latin1');
    this.maxQueued = o.maxQueued ?? 1000;
    this.maxBytes = o.maxResponseBytes ?? 1 << 20;
  }

  get sockets(): number {
    return this.all.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * `get` in two steps: everything but the write now, the write when the returned function is called,
   * which must be in the same synchronous run (the schedule's spin: nothing else can take the socket).
   * At 50 Hz the pool's book-keeping runs cold, and done between the spin and the write it delayed
   * every request by 0.03–0.05 ms at p50 against a C prober. Without an idle socket (or with requests
   * queued) the send is a plain `get` when called.
   */
  stage(signal: AbortSignal): () => Promise<PoolAnswer> {
    const conn = this.queue.length === 0 && !this.destroyed && !signal.aborted ? this.take() : null;
    if (!conn) return () => this.get(signal);
    let resolve: (answer: PoolAnswer) => void = () => undefined;
    let reject: (err: Error) => void = () => undefined;
    const answer = new Promise<PoolAnswer>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const write = this.bind(conn, { resolve, reject, signal });
    this.staged = conn;
    return () => {
      if (this.staged === conn) this.staged = null;
      write();
      return answer;
    };
  }

  /** Resolves with the status code of a complete response; rejects on any transport error or abort. */
  get(signal: AbortSignal): Promise<PoolAnswer> {
    return new Promise<PoolAnswer>((resolve, reject) => {
      if (this.destroyed) return reject(new ProbeHttpError('pool closed'));
      if (signal.aborted) return reject(new ProbeHttpError('aborted'));
      const p: Pending = { resolve, reject, signal };
      const conn = this.take();
      if (conn) return this.start(conn, p);
      if (this.queue.length >= this.maxQueued) return reject(new ProbeHttpError('request queue full'));
      p.onAbort = () => {
        const i = this.queue.indexOf(p);
        if (i !== -1) this.queue.splice(i, 1);
        reject(new ProbeHttpError('aborted'));
      };
      signal.addEventListener('abort', p.onAbort, { once: true });
      this.queue.push(p);
    });
  }

  /**
   * Writes nothing on the socket the staged (or else the next) request will take: the write path (the
   * stream, the handle, the write(2) call and the kernel's socket) is then warm when the request
   * follows a moment later. At 50 Hz the probe otherwise enters that path cold every time. Against a C
   * prober, on a loopback server that stamps arrivals (noisy shared 2-core VM, p50 of 250 slots), the
   * panel's request arrived 0.07–0.14 ms later; with its book-keeping staged before the spin and this
   * warm-up, 0.002–0.008 ms earlier. No bytes go on the wire (http-client.test.ts checks).
   */
  warm(): void {
    if (this.staged) return this.staged.warm();
    if (this.queue.length > 0) return;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const c = this.idle[i]!;
      if (!c.closed) return c.warm();
    }
  }

  destroy(): void {
    this.destroyed = true;
    for (const p of this.queue.splice(0)) p.reject(new ProbeHttpError('pool closed'));
    for (const c of [...this.all]) c.fail(new ProbeHttpError('pool closed'));
  }

  /** A connection finished a response or died: hand it (or a new one) to the next queued request. */
  released(conn: Connection): void {
    if (conn.closed) this.all.delete(conn);
    else if (!this.idle.includes(conn)) this.idle.push(conn);
    const next = this.queue.shift();
    if (!next) return;
    if (next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
    const c = this.take();
    if (c) this.start(c, next);
    else this.queue.unshift(next);
  }

  private take(): Connection | null {
    // Last in, first out: the warmest socket; surplus ones from a stall idle out (the server closes them).
    for (let c = this.idle.pop(); c; c = this.idle.pop()) if (!c.closed) return c;
    if (this.all.size >= this.o.maxSockets || this.destroyed) return null;
    const c = new Connection(this, this.o, this.maxBytes, this.readBuffer);
    this.all.add(c);
    return c;
  }

  private start(conn: Connection, p: Pending): void {
    this.bind(conn, p)();
  }

  /**
   * The request's book-keeping on `conn` (its answer and abort handlers); the returned function writes
   * it, and only then listens for the abort: nothing but the write sits before the bytes go out.
   */
  private bind(conn: Connection, p: Pending): () => void {
    const onAbort = () => conn.fail(new ProbeHttpError('aborted'));
    const done = () => p.signal.removeEventListener('abort', onAbort);
    const pending: Pending = {
      signal: p.signal,
      resolve: (answer) => {
        done();
        p.resolve(answer);
      },
      reject: (err) => {
        done();
        p.reject(err);
      },
    };
    return () => {
      conn.send(pending, this.request);
      p.signal.addEventListener('abort', onAbort, { once: true });
    };
  }
}

import type net from 'node:net';
import { type TestChain, headersPayload } from './chain';
import { Deframer, frame, locatorHashes, versionPayload } from './wire';

export type Emit = (event: string, fields?: Record<string, unknown>) => void;

/**
 * One connection from the relay, played as an honest regtest node until the relay has synced our
 * chain; then `onSynced` starts the attack. Writes respect backpressure, so the tool's own memory
 * stays flat however much it sends.
 */
export class Session {
  reading = true;
  closed = false;
  private readonly deframer = new Deframer();
  private syncedOnce = false;

  constructor(
    readonly n: number,
    readonly socket: net.Socket,
    private readonly chain: TestChain,
    private readonly emit: Emit,
    private readonly onSynced: (s: Session) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      emit('closed', { n, at: Date.now() });
    });
  }

  /** Stop reading: the relay's replies pile up in its own send buffer. */
  stopReading(): void {
    this.reading = false;
    this.socket.pause();
  }

  write(bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private onData(chunk: Buffer): void {
    let messages;
    try {
      messages = this.deframer.push(chunk);
    } catch (err) {
      this.emit('relay-protocol-error', { n: this.n, error: String(err) });
      this.socket.destroy();
      return;
    }
    for (const m of messages) {
      if (m.command === 'version') {
        void this.write(frame('version', versionPayload(this.chain.headers.length - 1)));
        void this.write(frame('verack'));
      } else if (m.command === 'ping') {
        void this.write(frame('pong', m.payload));
      } else if (m.command === 'getheaders') {
        this.answer(m.payload);
      }
    }
  }

  private answer(getheaders: Buffer): void {
    let from = 0;
    for (const hash of locatorHashes(getheaders)) {
      const h = this.chain.heightByHash.get(hash.toString('hex'));
      if (h !== undefined) {
        from = h;
        break;
      }
    }
    const batch = this.chain.headers.slice(from + 1, from + 1 + 2000);
    void this.write(frame('headers', headersPayload(batch)));
    if (batch.length < 2000 && !this.syncedOnce) {
      this.syncedOnce = true;
      this.emit('synced', { n: this.n, height: from + batch.length, at: Date.now() });
      this.onSynced(this);
    }
  }
}

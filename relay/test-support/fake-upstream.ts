import net from 'node:net';
import { Collector } from './processes';
import { type Frame, FrameParser, encodeFrame } from '../wire/framing';
import { NETWORKS, PROTOCOL_VERSION } from '../wire/constants';
import { NODE_NETWORK, decodeNonce, encodeNonce, encodeVersion, ipv4Mapped } from '../wire/messages';

const magic = NETWORKS.regtest.magic;

/** One connection from the relay to the fake node, handshake already handled. */
export class FakeConnection {
  readonly frames = new Collector<Frame>();
  readonly closed: Promise<void>;
  /** Set when the relay closed its side first (a drop), as opposed to us closing. */
  closedByRelay = false;
  private parseFailed = false;

  constructor(readonly socket: net.Socket) {
    const parser = new FrameParser(magic);
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('end', () => (this.closedByRelay = true));
    socket.on('error', () => (this.closedByRelay = true));
    socket.on('data', (chunk: Buffer) => {
      if (this.parseFailed) return;
      try {
        parser.push(chunk, Date.now(), (f) => this.onFrame(f));
      } catch {
        this.parseFailed = true;
      }
    });
  }

  private onFrame(f: Frame): void {
    if (f.command === 'version') {
      this.send(
        'version',
        encodeVersion({
          version: PROTOCOL_VERSION,
          services: NODE_NETWORK,
          timestamp: BigInt(Math.floor(Date.now() / 1000)),
          addrRecv: { services: 0n, ip: ipv4Mapped(), port: 0 },
          addrFrom: { services: NODE_NETWORK, ip: ipv4Mapped(), port: 0 },
          nonce: 42n,
          userAgent: '/FakeUpstream:0.0.1/',
          startHeight: 0,
          relay: true,
        }),
      );
      this.send('verack');
    } else if (f.command === 'ping') {
      this.send('pong', encodeNonce(decodeNonce(f.payload)));
    }
    this.frames.push(f);
  }

  send(command: string, payload?: Buffer): void {
    this.write(encodeFrame(magic, command, payload));
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The relay sends getheaders right after its handshake completes: the sign it is ready. */
  nextGetHeaders(after = 0): Promise<Frame> {
    return this.frames.find(
      (f) => f.command === 'getheaders' && this.frames.items.indexOf(f) >= after,
      'getheaders',
    );
  }
}

/** A scriptable regtest "node" on loopback for the relay to connect to as BITCOIN_NODE. */
export class FakeUpstream {
  readonly connections = new Collector<FakeConnection>();
  private readonly server = net.createServer((socket) => this.connections.push(new FakeConnection(socket)));

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
  }

  /** Resolves with the n-th connection (0-based) once the relay has made it. */
  async connection(n: number, timeoutMs = 10_000): Promise<FakeConnection> {
    await this.connections.until((c) => c.length > n, `relay connection #${n}`, timeoutMs);
    const c = this.connections.items[n];
    if (!c) throw new Error('unreachable');
    return c;
  }

  close(): void {
    for (const c of this.connections.items) c.socket.destroy();
    this.server.close();
  }
}

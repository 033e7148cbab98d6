// A regtest node that serves a generated chain over real P2P on 127.0.0.1, the way Bitcoin Core
// answers: getheaders gets up to 2000 headers after the first locator hash it knows. It can delay
// replies, stay silent when the locator is already its tip (some implementations do), and mine
// and announce new blocks on a schedule via headers, inv or cmpctblock. Framing, handshake and
// indexing are its own (node:crypto only), so the relay is tested against code it does not share.
import net from 'node:net';
import { type ChainTip, doubleSha, mineInto } from './chain-gen';

const MAGIC = Buffer.from('fabfb5da', 'hex');
export type Announce = 'headers' | 'inv' | 'cmpctblock';

export interface ChainPeerOptions {
  readonly replyDelayMs?: number;
  readonly silentWhenUpToDate?: boolean;
  readonly announceEveryMs?: number;
  readonly announceVia?: Announce;
  /** What the version message claims as start height (default: the real one; some nodes say 0). */
  readonly reportStartHeight?: number;
  /**
   * Behaves as Bitcoin Core in initial block download while its chain is below this height: every
   * getheaders gets an empty headers (Core: "active chain has too little work"), nothing announced.
   */
  readonly ibdBelowHeight?: number;
  /** Seconds added to the clock its version message reports (a peer whose clock disagrees with ours). */
  readonly clockOffsetSeconds?: number;
  /** Network magic (default regtest's fabfb5da); the chain passed in must start at that network's genesis. */
  readonly magic?: Buffer;
}

export interface Announced {
  readonly height: number;
  /** Display hex. */
  readonly hash: string;
  readonly sentAt: number;
}

function frame(magic: Buffer, command: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(24);
  magic.copy(head, 0);
  head.write(command, 4, 'ascii');
  head.writeUInt32LE(payload.length, 16);
  doubleSha(payload).copy(head, 20, 0, 4);
  return Buffer.concat([head, payload]);
}

function varint(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfd;
  b.writeUInt16LE(n, 1);
  return b;
}

function readVarint(buf: Buffer, at: number): [number, number] {
  const first = buf[at] ?? 0;
  if (first < 0xfd) return [first, at + 1];
  if (first === 0xfd) return [buf.readUInt16LE(at + 1), at + 3];
  return [buf.readUInt32LE(at + 1), at + 5];
}

const COINBASE = Buffer.concat([
  Buffer.from('01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff', 'hex'),
  Buffer.from('0451020000ffffffff0100f2052a010000000151' + '00000000', 'hex'),
]);

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  mode: Announce = 'inv';
  ready = false;

  constructor(
    readonly socket: net.Socket,
    private readonly peer: ChainPeer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
  }

  send(command: string, payload?: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(frame(this.peer.opts.magic ?? MAGIC, command, payload));
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 24) {
      const len = this.buf.readUInt32LE(16);
      if (this.buf.length < 24 + len) return;
      const command = this.buf.toString('ascii', 4, 16).replace(/\0+$/, '');
      const payload = this.buf.subarray(24, 24 + len);
      this.buf = this.buf.subarray(24 + len);
      this.onMessage(command, payload);
    }
  }

  private onMessage(command: string, payload: Buffer): void {
    this.peer.received.set(command, (this.peer.received.get(command) ?? 0) + 1);
    if (command === 'version') {
      this.send('version', this.peer.versionPayload());
      this.send('verack');
    } else if (command === 'verack') this.ready = true;
    else if (command === 'ping') this.send('pong', payload);
    else if (command === 'sendheaders' && this.mode === 'inv') this.mode = 'headers';
    else if (command === 'sendcmpct' && payload[0] === 1) this.mode = 'cmpctblock';
    else if (command === 'getheaders') this.onGetHeaders(payload);
  }

  private onGetHeaders(payload: Buffer): void {
    let [count, at] = readVarint(payload, 4);
    let start = 0;
    for (; count > 0; count--, at += 32) {
      const h = this.peer.heightOf(payload.subarray(at, at + 32));
      if (h >= 0) {
        start = h;
        break;
      }
    }
    if (this.peer.inIbd) return this.send('headers', varint(0));
    if (start === this.peer.height && this.peer.opts.silentWhenUpToDate) return;
    const reply = this.peer.headersMessage(start);
    const delay = this.peer.opts.replyDelayMs ?? 0;
    if (delay > 0) setTimeout(() => this.send('headers', reply), delay);
    else this.send('headers', reply);
  }
}

/** Serves `chain` ((n + 1) × 80 bytes, genesis first) and grows it when announcing. */
export class ChainPeer {
  private readonly server: net.Server;
  private readonly conns = new Set<Connection>();
  private chain: Buffer;
  private count: number;
  private readonly index = new Map<string, number>();
  private tip: ChainTip;
  private timer: NodeJS.Timeout | null = null;
  readonly received = new Map<string, number>();
  readonly announced: Announced[] = [];
  headersServed = 0;

  constructor(
    chain: Buffer,
    readonly opts: ChainPeerOptions = {},
  ) {
    this.count = chain.length / 80;
    this.chain = Buffer.allocUnsafe(chain.length + 4096 * 80);
    chain.copy(this.chain);
    // A header's hash is the next header's prevHash: index without hashing all of them.
    for (let h = 1; h < this.count; h++)
      this.index.set(this.chain.toString('latin1', h * 80 + 4, h * 80 + 36), h - 1);
    const last = this.chain.subarray((this.count - 1) * 80, this.count * 80);
    const tipHash = doubleSha(last);
    this.index.set(tipHash.toString('latin1'), this.count - 1);
    this.tip = { height: this.count - 1, hash: tipHash, time: last.readUInt32LE(68) };
    this.server = net.createServer((s) => {
      const c = new Connection(s, this);
      this.conns.add(c);
      s.on('close', () => this.conns.delete(c));
    });
  }

  get height(): number {
    return this.count - 1;
  }

  get inIbd(): boolean {
    return this.height < (this.opts.ibdBelowHeight ?? 0);
  }

  /** Display hex of the header at `h`. */
  hashAt(h: number): string {
    const hash = h === this.height ? this.tip.hash : this.chain.subarray((h + 1) * 80 + 4, (h + 1) * 80 + 36);
    return Buffer.from(hash).reverse().toString('hex');
  }

  /** Grows the chain by `n` blocks (generated history, a minute apart) without announcing them. */
  extend(n: number, salt = 0xbeef): void {
    this.ensureRoom(this.count + n);
    const start = this.count;
    this.tip = mineInto(this.chain, this.count * 80, this.tip, n, salt);
    for (let h = start; h < start + n; h++) {
      const hash =
        h === start + n - 1 ? this.tip.hash : this.chain.subarray((h + 1) * 80 + 4, (h + 1) * 80 + 36);
      this.index.set(Buffer.from(hash).toString('latin1'), h);
    }
    this.count += n;
  }

  /**
   * Replaces the top `depth` blocks with a branch of `depth + extra` blocks (more work), as a miner
   * with more hash power would, and announces the new tip by inv. Returns the disconnected blocks,
   * old tip first, as display hex.
   */
  reorg(
    depth: number,
    extra = 1,
    salt = Math.floor(Math.random() * 0xffffffff),
  ): { height: number; hash: string }[] {
    const fork = this.height - depth;
    const gone: { height: number; hash: string }[] = [];
    for (let h = this.height; h > fork; h--) {
      gone.push({ height: h, hash: this.hashAt(h) });
      this.index.delete(Buffer.from(this.hashAt(h), 'hex').reverse().toString('latin1'));
    }
    const forkRaw = this.headerAt(fork);
    this.count = fork + 1;
    this.tip = { height: fork, hash: doubleSha(forkRaw), time: forkRaw.readUInt32LE(68) };
    this.extend(depth + extra, salt);
    this.announceTip();
    return gone;
  }

  /** An inv for the tip to every ready connection (Core announces a reorg's tip so when it is long). */
  announceTip(): void {
    for (const c of this.conns) {
      if (c.ready) c.send('inv', Buffer.concat([varint(1), Buffer.from([2, 0, 0, 0]), this.tip.hash]));
    }
  }

  private ensureRoom(count: number): void {
    if (count * 80 <= this.chain.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.chain.length * 2, count * 80 + 4096 * 80));
    this.chain.copy(grown);
    this.chain = grown;
  }

  get getheadersReceived(): number {
    return this.received.get('getheaders') ?? 0;
  }

  heightOf(hash: Buffer): number {
    return this.index.get(hash.toString('latin1')) ?? -1;
  }

  headerAt(h: number): Buffer {
    return this.chain.subarray(h * 80, h * 80 + 80);
  }

  headersMessage(after: number): Buffer {
    const n = Math.min(2000, this.height - after);
    const out = Buffer.allocUnsafe(varint(n).length + n * 81);
    let at = varint(n).copy(out, 0);
    for (let h = after + 1; h <= after + n; h++) {
      this.chain.copy(out, at, h * 80, h * 80 + 80);
      out[at + 80] = 0;
      at += 81;
    }
    this.headersServed += n;
    return out;
  }

  versionPayload(): Buffer {
    const p = Buffer.alloc(86 + 1 + 4 + 1 + 14);
    p.writeInt32LE(70016, 0);
    p.writeBigUInt64LE(9n, 4);
    p.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000) + (this.opts.clockOffsetSeconds ?? 0)), 12);
    p.writeBigUInt64LE(0x1234567890n, 72);
    const ua = Buffer.from('/ChainPeer:1.0/');
    p[80] = ua.length;
    ua.copy(p, 81);
    p.writeInt32LE(this.opts.reportStartHeight ?? this.height, 81 + ua.length);
    p[85 + ua.length] = 1;
    return p.subarray(0, 86 + ua.length);
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      }),
    );
  }

  startAnnouncing(): void {
    const every = this.opts.announceEveryMs;
    if (every && !this.timer) this.timer = setInterval(() => this.mineAndAnnounce(), every);
  }

  /** Mines one block on the tip and announces it to every connection in its chosen way. */
  mineAndAnnounce(): Announced {
    this.ensureRoom(this.count + 1);
    this.tip = mineInto(this.chain, this.count * 80, this.tip, 1, 0xc0ffee, Math.floor(Date.now() / 1000));
    this.index.set(this.tip.hash.toString('latin1'), this.count);
    this.count++;
    const raw = this.headerAt(this.height);
    const sentAt = Date.now();
    for (const c of this.conns) {
      if (!c.ready) continue;
      const via = this.opts.announceVia ?? c.mode;
      if (via === 'headers') c.send('headers', Buffer.concat([varint(1), raw, Buffer.from([0])]));
      else if (via === 'inv')
        c.send('inv', Buffer.concat([varint(1), Buffer.from([2, 0, 0, 0]), this.tip.hash]));
      else
        c.send(
          'cmpctblock',
          Buffer.concat([raw, Buffer.alloc(8, 7), varint(0), varint(1), varint(0), COINBASE]),
        );
    }
    const a = { height: this.height, hash: Buffer.from(this.tip.hash).reverse().toString('hex'), sentAt };
    this.announced.push(a);
    return a;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.conns) c.socket.destroy();
    this.server.close();
  }
}

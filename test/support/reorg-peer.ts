// A regtest node over real P2P on 127.0.0.1 that serves a generated chain and can switch it to a
// heavier branch forking any depth below its tip, then announce the new tip by inv (as Core does for
// a block it did not announce by headers). getheaders is answered the way Core answers it: up to
// 2,000 headers after the first locator hash on the current chain. Framing is its own (node:crypto
// via chain-gen), so the relay is tested against code it does not share.
import net from 'node:net';
import { type ChainTip, doubleSha, mineInto } from '../../relay/test-support/chain-gen';

const MAGIC = Buffer.from('fabfb5da', 'hex');

function frame(command: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(24);
  MAGIC.copy(head, 0);
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

/** Display (big-endian) hex of an internal-order hash. */
export function displayHex(hash: Buffer): string {
  return Buffer.from(hash).reverse().toString('hex');
}

export interface BlockRef {
  readonly height: number;
  readonly hash: string;
}

export class ReorgPeer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Raw headers by height, genesis first; the current best chain only. */
  private headers: Buffer[] = [];
  private hashes: Buffer[] = [];
  private index = new Map<string, number>();
  private salt = 1;
  getheaders = 0;

  constructor(chain: Buffer) {
    for (let h = 0; h < chain.length / 80; h++) this.append(Buffer.from(chain.subarray(h * 80, h * 80 + 80)));
    this.server = net.createServer((s) => this.accept(s));
  }

  get height(): number {
    return this.headers.length - 1;
  }

  ref(height: number): BlockRef {
    return { height, hash: displayHex(this.hashes[height]!) };
  }

  private append(raw: Buffer, hash = doubleSha(raw)): void {
    this.index.set(hash.toString('latin1'), this.headers.length);
    this.headers.push(raw);
    this.hashes.push(hash);
  }

  private tip(): ChainTip {
    const h = this.height;
    return { height: h, hash: this.hashes[h]!, time: this.headers[h]!.readUInt32LE(68) };
  }

  /** Mines `count` blocks on the tip (times after the tip's) and announces the new tip. */
  mine(count: number): BlockRef[] {
    const out = Buffer.allocUnsafe(count * 80);
    mineInto(out, 0, this.tip(), count, this.salt++, this.tip().time + 1);
    const refs: BlockRef[] = [];
    for (let i = 0; i < count; i++) {
      this.append(Buffer.from(out.subarray(i * 80, i * 80 + 80)));
      refs.push(this.ref(this.height));
    }
    this.announce();
    return refs;
  }

  /**
   * Replaces the top `depth` blocks with `depth + 1` new ones (more work at equal difficulty) and
   * announces the new tip. Returns the blocks taken off (tip first) and the new branch (lowest first).
   */
  reorg(depth: number): { disconnected: BlockRef[]; added: BlockRef[]; fork: BlockRef } {
    const forkHeight = this.height - depth;
    const disconnected: BlockRef[] = [];
    for (let h = this.height; h > forkHeight; h--) disconnected.push(this.ref(h));
    for (let h = forkHeight + 1; h <= this.height; h++) this.index.delete(this.hashes[h]!.toString('latin1'));
    this.headers.length = forkHeight + 1;
    this.hashes.length = forkHeight + 1;
    const out = Buffer.allocUnsafe((depth + 1) * 80);
    // Timestamps a second apart from the fork: later than its median, never in the future.
    mineInto(out, 0, this.tip(), depth + 1, this.salt++, this.tip().time + 1);
    const added: BlockRef[] = [];
    for (let i = 0; i <= depth; i++) {
      this.append(Buffer.from(out.subarray(i * 80, i * 80 + 80)));
      added.push(this.ref(this.height));
    }
    this.announce();
    return { disconnected, added, fork: this.ref(forkHeight) };
  }

  private announce(): void {
    const inv = Buffer.concat([varint(1), Buffer.from([2, 0, 0, 0]), this.hashes[this.height]!]);
    for (const s of this.sockets) s.write(frame('inv', inv));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 24) {
        const len = buf.readUInt32LE(16);
        if (buf.length < 24 + len) return;
        const command = buf.toString('ascii', 4, 16).replace(/\0+$/, '');
        const payload = buf.subarray(24, 24 + len);
        buf = buf.subarray(24 + len);
        this.onMessage(socket, command, payload);
      }
    });
  }

  private onMessage(socket: net.Socket, command: string, payload: Buffer): void {
    if (command === 'version') {
      socket.write(frame('version', this.versionPayload()));
      socket.write(frame('verack'));
    } else if (command === 'ping') socket.write(frame('pong', payload));
    else if (command === 'getheaders') {
      this.getheaders++;
      const count = payload[4] ?? 0; // locators are under 0xfd entries
      let start = 0;
      for (let i = 0; i < count; i++) {
        const h = this.index.get(payload.toString('latin1', 5 + i * 32, 37 + i * 32));
        if (h !== undefined) {
          start = h;
          break;
        }
      }
      const n = Math.min(2000, this.height - start);
      const parts = [varint(n)];
      for (let h = start + 1; h <= start + n; h++) parts.push(this.headers[h]!, Buffer.from([0]));
      socket.write(frame('headers', Buffer.concat(parts)));
    }
  }

  private versionPayload(): Buffer {
    const ua = Buffer.from('/ReorgPeer:1.0/');
    const p = Buffer.alloc(86 + ua.length);
    p.writeInt32LE(70016, 0);
    p.writeBigUInt64LE(9n, 4);
    p.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000)), 12);
    p.writeBigUInt64LE(0x1234567890n, 72);
    p[80] = ua.length;
    ua.copy(p, 81);
    p.writeInt32LE(this.height, 81 + ua.length);
    p[85 + ua.length] = 1;
    return p;
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      }),
    );
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

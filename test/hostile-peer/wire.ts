import { createHash, randomBytes } from 'node:crypto';

/**
 * Just enough Bitcoin P2P wire format for a hostile test peer, written apart from relay/wire on
 * purpose: a bug shared by the relay and its attacker would hide itself. Regtest only.
 */
export const REGTEST_MAGIC = Buffer.from('fabfb5da', 'hex');
export const PROTOCOL = 70016;

export function sha256d(data: Uint8Array): Buffer {
  const once = createHash('sha256').update(data).digest();
  return createHash('sha256').update(once).digest();
}

export function compactSize(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  if (n <= 0xffff) {
    const b = Buffer.alloc(3);
    b[0] = 0xfd;
    b.writeUInt16LE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = 0xfe;
  b.writeUInt32LE(n, 1);
  return b;
}

/** One message: magic, 12-byte NUL-padded command, length, first 4 bytes of sha256d, payload. */
export function frame(command: string, payload: Buffer = Buffer.alloc(0), corruptChecksum = false): Buffer {
  const head = Buffer.alloc(24);
  REGTEST_MAGIC.copy(head, 0);
  head.write(command, 4, 12, 'ascii');
  head.writeUInt32LE(payload.length, 16);
  const sum = sha256d(payload);
  if (corruptChecksum) sum[0] = (sum[0] ?? 0) ^ 0xff;
  sum.copy(head, 20, 0, 4);
  return Buffer.concat([head, payload]);
}

export interface Message {
  readonly command: string;
  readonly payload: Buffer;
}

/** Splits a byte stream into messages; checks magic and checksum, as a peer would. */
export class Deframer {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Message[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Message[] = [];
    while (this.buf.length >= 24) {
      if (!this.buf.subarray(0, 4).equals(REGTEST_MAGIC)) throw new Error('relay sent bad magic');
      const length = this.buf.readUInt32LE(16);
      if (this.buf.length < 24 + length) break;
      const payload = this.buf.subarray(24, 24 + length);
      if (!sha256d(payload).subarray(0, 4).equals(this.buf.subarray(20, 24))) {
        throw new Error('relay sent a bad checksum');
      }
      const raw = this.buf.subarray(4, 16);
      const end = raw.indexOf(0);
      out.push({ command: raw.toString('ascii', 0, end === -1 ? 12 : end), payload: Buffer.from(payload) });
      this.buf = this.buf.subarray(24 + length);
    }
    return out;
  }
}

function netAddr(port: number): Buffer {
  const b = Buffer.alloc(26);
  b.writeBigUInt64LE(1n, 0);
  Buffer.from('00000000000000000000ffff7f000001', 'hex').copy(b, 8);
  b.writeUInt16BE(port, 24);
  return b;
}

export function versionPayload(startHeight: number): Buffer {
  const head = Buffer.alloc(20);
  head.writeInt32LE(PROTOCOL, 0);
  head.writeBigUInt64LE(1n, 4); // NODE_NETWORK
  head.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000)), 12);
  const agent = Buffer.from('/HostilePeer:0.1/', 'ascii');
  const tail = Buffer.alloc(5);
  tail.writeInt32LE(startHeight, 0);
  tail[4] = 1;
  return Buffer.concat([
    head,
    netAddr(0),
    netAddr(0),
    randomBytes(8),
    compactSize(agent.length),
    agent,
    tail,
  ]);
}

/** The first hash of a getheaders locator (after version and count): where the relay's chain ends. */
export function locatorHashes(getheaders: Buffer): Buffer[] {
  let at = 4;
  const first = getheaders[at] ?? 0;
  let count = first;
  at += 1;
  if (first === 0xfd) {
    count = getheaders.readUInt16LE(at);
    at += 2;
  }
  const out: Buffer[] = [];
  for (let i = 0; i < count && at + 32 <= getheaders.length; i++, at += 32) {
    out.push(getheaders.subarray(at, at + 32));
  }
  return out;
}

import { encodeFrame, payloadLimit } from '../wire/framing';
import { NETWORKS, PROTOCOL_VERSION } from '../wire/constants';
import { hashToBigInt, parseHeader, targetFromBits } from '../wire/header';
import { encodeGetHeaders, encodeHeaders, encodeInv, encodeSendCmpct } from '../wire/messages';

const magic = NETWORKS.regtest.magic;

/** mulberry32: tiny, fast and seedable, so a failing fuzz run replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FATAL_KINDS = [
  'bitflip',
  'truncate',
  'checksum',
  'hugeLength',
  'garbage',
  'badPayload',
  'trailing',
  'badPow',
] as const;
export type FatalKind = (typeof FATAL_KINDS)[number];

// Commands the relay accepts without parsing; their size limits still apply.
const IGNORED = ['addr', 'addrv2', 'tx', 'notfound', 'blocktxn', 'getblocktxn', 'getdata'];
const PARSED = [
  'headers',
  'inv',
  'getheaders',
  'cmpctblock',
  'block',
  'sendcmpct',
  'ping',
  'pong',
  'version',
];

/**
 * Generates P2P frames for the fuzz test: benign ones a correct relay must shrug off (unknown and
 * ignored commands, pings, known headers) and fatal ones it must drop the peer for.
 */
export class Mutator {
  private readonly rand: () => number;

  constructor(
    seed: number,
    private readonly knownHeader: Buffer,
    private readonly nextHeader: Buffer,
  ) {
    this.rand = prng(seed);
  }

  int(maxExclusive: number): number {
    return Math.floor(this.rand() * maxExclusive);
  }

  chance(p: number): boolean {
    return this.rand() < p;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('empty list');
    return item;
  }

  private unknownCommand(): string {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let name = '';
    const len = 1 + this.int(12);
    for (let i = 0; i < len; i++) name += letters[this.int(26)];
    return [
      ...IGNORED,
      ...PARSED,
      'verack',
      'sendheaders',
      'feefilter',
      'wtxidrelay',
      'sendaddrv2',
      'getaddr',
      'mempool',
    ].includes(name)
      ? `x${name.slice(1)}`
      : name;
  }

  benign(): Buffer {
    switch (this.int(7)) {
      case 0:
        return encodeFrame(magic, this.unknownCommand(), this.bytes(this.int(300)));
      case 1:
        return encodeFrame(magic, this.pick(IGNORED), this.bytes(this.int(300)));
      case 2:
        return encodeFrame(magic, 'ping', this.bytes(8));
      case 3: {
        const entries = Array.from({ length: 1 + this.int(10) }, () => ({ type: 1, hash: this.bytes(32) }));
        return encodeFrame(magic, 'inv', encodeInv(entries));
      }
      case 4:
        return encodeFrame(magic, 'headers', encodeHeaders([{ raw: this.knownHeader }]));
      case 5: {
        const locator = Array.from({ length: this.int(5) }, () => this.bytes(32));
        return encodeFrame(
          magic,
          'getheaders',
          encodeGetHeaders({ version: PROTOCOL_VERSION, locator, stop: this.bytes(32) }),
        );
      }
      default:
        return encodeFrame(
          magic,
          'sendcmpct',
          encodeSendCmpct({ announce: this.chance(0.5), version: BigInt(1 + this.int(2)) }),
        );
    }
  }

  fatal(kind: FatalKind): Buffer {
    switch (kind) {
      case 'bitflip': {
        const f = Buffer.from(this.benign());
        const bit = this.int(f.length * 8);
        f[bit >> 3] = (f[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        return f;
      }
      case 'truncate': {
        const f = this.benign();
        return f.subarray(0, 1 + this.int(f.length - 1));
      }
      case 'checksum': {
        const f = Buffer.from(this.benign());
        f[20] = (f[20] ?? 0) ^ (1 + this.int(255));
        return f;
      }
      case 'hugeLength': {
        const command = this.chance(0.5) ? this.pick(PARSED) : this.unknownCommand();
        const f = Buffer.from(encodeFrame(magic, command).subarray(0, 24));
        const limit = payloadLimit(command);
        f.writeUInt32LE(limit + 1 + this.int(0xffffffff - limit - 1), 16);
        return f;
      }
      case 'garbage': {
        const g = this.bytes(1 + this.int(64));
        if (g[0] === magic[0]) g[0] = (g[0] ?? 0) ^ 0xff;
        return g;
      }
      case 'badPayload': {
        const command = this.pick(PARSED);
        const max = Math.min(payloadLimit(command), 200);
        // A valid 8-byte ping/pong would be benign; anything else of those is the wrong size.
        const len = command === 'ping' || command === 'pong' ? this.int(8) : this.int(max + 1);
        return encodeFrame(magic, command, this.bytes(len));
      }
      case 'trailing': {
        const entries = [{ type: 1, hash: this.bytes(32) }];
        return encodeFrame(magic, 'inv', Buffer.concat([encodeInv(entries), this.bytes(1 + this.int(30))]));
      }
      case 'badPow':
        return encodeFrame(magic, 'headers', encodeHeaders([{ raw: this.failingPowHeader() }]));
    }
  }

  /**
   * The next regtest header with a nonce that misses the target (about half of them do). One random
   * draw, then a deterministic scan: how many nonces it takes depends on the header (which carries a
   * wall-clock time), and must not shift the seeded sequence of everything generated after it.
   */
  failingPowHeader(): Buffer {
    const raw = Buffer.from(this.nextHeader);
    const target = targetFromBits(raw.readUInt32LE(72));
    for (let nonce = this.int(0x100000000); ; nonce = (nonce + 1) >>> 0) {
      raw.writeUInt32LE(nonce, 76);
      if (hashToBigInt(parseHeader(raw).hashBytes) > target) return raw;
    }
  }
}

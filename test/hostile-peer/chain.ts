import { sha256d } from './wire';

/** Bitcoin's regtest genesis header (shared by every implementation; 80 bytes, hex). */
const REGTEST_GENESIS =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000';
const REGTEST_BITS = 0x207fffff;
/** Regtest's target, 0x7fffff × 256^29: about every second nonce meets it. */
const TARGET = 0x7fffffn << (8n * 29n);

function asNumber(hashLE: Buffer): bigint {
  return BigInt(`0x${Buffer.from(hashLE).reverse().toString('hex')}`);
}

export interface TestChain {
  /** 80-byte headers, genesis first. */
  readonly headers: Buffer[];
  /** Internal-byte-order hashes, hex, to index locators. */
  readonly heightByHash: Map<string, number>;
}

/** Mines one regtest header on `prev` (internal byte order); `tag` makes its merkle root unique. */
function mine(prev: Buffer, time: number, tag: string): { header: Buffer; hash: Buffer } {
  const header = Buffer.alloc(80);
  header.writeInt32LE(0x20000000, 0);
  prev.copy(header, 4);
  sha256d(Buffer.from(tag)).copy(header, 36);
  header.writeUInt32LE(time, 68);
  header.writeUInt32LE(REGTEST_BITS, 72);
  for (let nonce = 0; ; nonce++) {
    header.writeUInt32LE(nonce, 76);
    const hash = sha256d(header);
    if (asNumber(hash) <= TARGET) return { header, hash };
  }
}

/**
 * A valid regtest header chain of `length` blocks above genesis: real proof of work (trivial on
 * regtest), one second apart from genesis time, deterministic for a given length.
 */
export function buildChain(length: number): TestChain {
  const genesis = Buffer.from(REGTEST_GENESIS, 'hex');
  const headers: Buffer[] = [genesis];
  const heightByHash = new Map([[sha256d(genesis).toString('hex'), 0]]);
  let prev = sha256d(genesis);
  const genesisTime = genesis.readUInt32LE(68);
  for (let h = 1; h <= length; h++) {
    const { header, hash } = mine(prev, genesisTime + h, `merkle ${h}`);
    headers.push(header);
    heightByHash.set(hash.toString('hex'), h);
    prev = hash;
  }
  return { headers, heightByHash };
}

/**
 * A side branch of `length` valid headers forking off `chain` at `forkHeight`: it has less work than
 * the chain whenever it ends below the chain's tip, so the relay must store or discard it, never
 * switch to it. `salt` makes every branch distinct.
 */
export function buildBranch(chain: TestChain, forkHeight: number, length: number, salt: number): Buffer[] {
  const base = chain.headers[forkHeight];
  if (!base) throw new Error(`no header at ${forkHeight}`);
  let prev = sha256d(base);
  const out: Buffer[] = [];
  for (let i = 1; i <= length; i++) {
    const mined = mine(prev, base.readUInt32LE(68) + i, `side ${salt} ${i}`);
    out.push(mined.header);
    prev = mined.hash;
  }
  return out;
}

/** A headers message body: count, then each header with a zero transaction count. */
export function headersPayload(headers: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const h of headers) parts.push(h, Buffer.from([0]));
  const n = headers.length;
  const count = n < 0xfd ? Buffer.from([n]) : Buffer.from([0xfd, n & 0xff, n >> 8]);
  return Buffer.concat([count, ...parts]);
}

import { randomBytes } from 'node:crypto';
import { Writer, sha256d } from '../wire/bytes';
import type { HeaderChain } from '../chain/chain';
import { medianTimePast } from '../chain/rules';
import { type BlockHeader, hashToBigInt, parseHeader, serializeHeader, targetFromBits } from '../wire/header';

export const REGTEST_BITS = 0x207fffff;
const HALVING_INTERVAL = 150; // regtest
const COIN = 100_000_000n;
const OP_TRUE = 0x51;

export interface MinedBlock {
  readonly header: BlockHeader;
  readonly coinbase: Buffer;
  readonly height: number;
}

/** BIP 34 height push, as Core's `CScript() << nHeight` encodes it (OP_1..OP_16 for small heights). */
export function heightPush(height: number): Buffer {
  if (height >= 1 && height <= 16) return Buffer.from([0x50 + height]);
  const bytes: number[] = [];
  for (let n = height; n > 0; n = Math.floor(n / 256)) bytes.push(n & 0xff);
  // CScriptNum is sign-magnitude: a set high bit would read as negative, so pad with a zero byte.
  if (bytes.length > 0 && ((bytes[bytes.length - 1] ?? 0) & 0x80) !== 0) bytes.push(0);
  return Buffer.from([bytes.length, ...bytes]);
}

/** The coinbase tag of a miner that names no identity of its own (tests mining a single chain). */
export const DEFAULT_MINER_TAG: Buffer = Buffer.from('sprt', 'ascii');

/**
 * A tag unique to one miner: 'sprt' and 8 random bytes. Real miners differ in payout script and
 * extranonce; without this, two demo peers mining the same height on the same parent in the same
 * wall-clock second build byte-identical blocks (the coinbase, merkle root and time all match), so
 * two "competing" chains share their first blocks and no reorg ever happens between them.
 */
export function newMinerTag(): Buffer {
  return Buffer.concat([DEFAULT_MINER_TAG, randomBytes(8)]);
}

/**
 * A minimal valid coinbase: the BIP 34 height in the scriptSig (which makes every txid of one miner
 * unique), the miner's tag (which tells miners apart, and meets the 2-byte minimum), and the full
 * subsidy paid to OP_TRUE.
 */
export function buildCoinbase(height: number, tag: Buffer = DEFAULT_MINER_TAG): Buffer {
  if (tag.length < 1 || tag.length > 75) throw new RangeError(`a miner tag of ${tag.length} bytes (1 to 75)`);
  const scriptSig = Buffer.concat([heightPush(height), Buffer.from([tag.length]), tag]);
  const subsidy = (50n * COIN) >> BigInt(Math.floor(height / HALVING_INTERVAL));
  return new Writer()
    .i32le(1)
    .varint(1)
    .push(Buffer.alloc(32))
    .u32le(0xffffffff)
    .varBytes(scriptSig)
    .u32le(0xffffffff)
    .varint(1)
    .u64le(subsidy)
    .varBytes(Buffer.from([OP_TRUE]))
    .u32le(0)
    .toBuffer();
}

/**
 * Mines the next block on the chain's tip at regtest difficulty: about two hashes on average, so this
 * runs synchronously in microseconds. The caller adds it to the chain.
 */
export function mineNext(
  chain: HeaderChain,
  bits = REGTEST_BITS,
  tag: Buffer = DEFAULT_MINER_TAG,
): MinedBlock {
  const height = chain.tip.height + 1;
  const coinbase = buildCoinbase(height, tag);
  const target = targetFromBits(bits);
  const fields = {
    version: 0x20000000,
    prevHash: chain.tip.header.hashBytes,
    // A single-transaction block's merkle root is that transaction's txid.
    merkleRoot: sha256d(coinbase),
    time: Math.max(Math.floor(Date.now() / 1000), medianTimePast(chain.mainAncestry, height) + 1),
    bits,
    nonce: 0,
  };
  for (;;) {
    const header = parseHeader(serializeHeader(fields));
    if (hashToBigInt(header.hashBytes) <= target) return { header, coinbase, height };
    fields.nonce++;
    if (fields.nonce > 0xffffffff) {
      fields.nonce = 0;
      fields.time++;
    }
  }
}

import { Writer, sha256d } from '../p2p/bytes';
import type { HeaderChain } from '../chain/chain';
import { medianTimePast } from '../chain/rules';
import { type BlockHeader, hashToBigInt, parseHeader, serializeHeader, targetFromBits } from '../p2p/header';

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

/**
 * A minimal valid coinbase: the BIP 34 height in the scriptSig (which also makes every txid unique),
 * a tag so the scriptSig meets the 2-byte minimum, and the full subsidy paid to OP_TRUE.
 */
export function buildCoinbase(height: number): Buffer {
  const scriptSig = Buffer.concat([heightPush(height), Buffer.from([4]), Buffer.from('sprt', 'ascii')]);
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
export function mineNext(chain: HeaderChain, bits = REGTEST_BITS): MinedBlock {
  const height = chain.tip.height + 1;
  const coinbase = buildCoinbase(height);
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

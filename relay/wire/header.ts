import { P2PProtocolError } from './protocol-error';
import { type Reader, Writer, hashToHex, sha256d } from './bytes';

export const HEADER_BYTES = 80;

export interface BlockHeader {
  readonly version: number;
  /** Little-endian wire order, as hashed. */
  readonly prevHash: Buffer;
  readonly merkleRoot: Buffer;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  /** The 80 bytes exactly as received: hashing and re-serving them never re-encodes. */
  readonly raw: Buffer;
  /** Display (big-endian) hex. */
  readonly hash: string;
  readonly hashBytes: Buffer;
}

export function readHeader(r: Reader): BlockHeader {
  const raw = Buffer.from(r.bytes(HEADER_BYTES));
  return parseHeader(raw);
}

export function parseHeader(raw: Buffer): BlockHeader {
  if (raw.length !== HEADER_BYTES) {
    throw new P2PProtocolError('TRUNCATED', `header is ${raw.length} bytes, expected ${HEADER_BYTES}`);
  }
  const hashBytes = sha256d(raw);
  return {
    version: raw.readInt32LE(0),
    prevHash: raw.subarray(4, 36),
    merkleRoot: raw.subarray(36, 68),
    time: raw.readUInt32LE(68),
    bits: raw.readUInt32LE(72),
    nonce: raw.readUInt32LE(76),
    raw,
    hash: hashToHex(hashBytes),
    hashBytes,
  };
}

export interface HeaderFields {
  version: number;
  prevHash: Buffer;
  merkleRoot: Buffer;
  time: number;
  bits: number;
  nonce: number;
}

export function serializeHeader(h: HeaderFields): Buffer {
  return new Writer()
    .i32le(h.version)
    .push(h.prevHash)
    .push(h.merkleRoot)
    .u32le(h.time)
    .u32le(h.bits)
    .u32le(h.nonce)
    .toBuffer();
}

/**
 * Expands compact `bits` to the 256-bit target as Bitcoin Core's arith_uint256::SetCompact does, but
 * refuses what Core flags as negative or overflowing instead of returning a flag: such bits can never
 * be valid proof of work, and a zero target could never be met either.
 */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  if (mantissa !== 0 && (bits & 0x00800000) !== 0) {
    throw new P2PProtocolError('BAD_BITS', `negative target in bits ${hexBits(bits)}`);
  }
  const overflow =
    mantissa !== 0 &&
    (exponent > 34 || (mantissa > 0xff && exponent > 33) || (mantissa > 0xffff && exponent > 32));
  if (overflow) throw new P2PProtocolError('BAD_BITS', `target overflows 256 bits in ${hexBits(bits)}`);
  const target =
    exponent <= 3
      ? BigInt(mantissa >>> (8 * (3 - exponent)))
      : BigInt(mantissa) << BigInt(8 * (exponent - 3));
  if (target === 0n) throw new P2PProtocolError('BAD_BITS', `zero target in bits ${hexBits(bits)}`);
  return target;
}

function hexBits(bits: number): string {
  return `0x${bits.toString(16).padStart(8, '0')}`;
}

/** The hash read as a little-endian 256-bit integer, the way proof of work compares it. */
export function hashToBigInt(hashBytes: Buffer): bigint {
  return BigInt(`0x${Buffer.from(hashBytes).reverse().toString('hex')}`);
}

/**
 * Throws unless the header meets its own claimed target and that target is no easier than the
 * network allows. (Whether the bits match the difficulty schedule needs the full retarget logic;
 * the relay checks work is real, not that it is the exact required amount.)
 */
export function checkProofOfWork(h: BlockHeader, powLimit: bigint): void {
  const target = targetFromBits(h.bits);
  if (target > powLimit) throw new P2PProtocolError('BAD_BITS', `target easier than network limit`);
  if (hashToBigInt(h.hashBytes) > target) {
    throw new P2PProtocolError('BAD_POW', `hash ${h.hash} above target for bits ${hexBits(h.bits)}`);
  }
}

/** Expected number of hashes to find this header: what "most work" compares between chains. */
export function workFromBits(bits: number): bigint {
  const target = targetFromBits(bits);
  return (1n << 256n) / (target + 1n);
}

import { P2PProtocolError } from '../wire/protocol-error';
import { targetFromBits } from '../wire/header';

const workCache = new Map<number, bigint>();
const targetCache = new Map<number, { bytes: Buffer; value: bigint }>();
const CACHE_LIMIT = 4096;

/** Expected hashes for a header with these bits; a chain's work is the sum over its headers. */
export function workOf(bits: number): bigint {
  let w = workCache.get(bits);
  if (w === undefined) {
    w = (1n << 256n) / (targetFromBits(bits) + 1n);
    if (workCache.size >= CACHE_LIMIT) workCache.clear();
    workCache.set(bits, w);
  }
  return w;
}

/** The target as 32 little-endian bytes, so a hash is compared without building a bigint. */
function cachedTarget(bits: number): { bytes: Buffer; value: bigint } {
  let t = targetCache.get(bits);
  if (t === undefined) {
    const value = targetFromBits(bits);
    t = { bytes: Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse(), value };
    if (targetCache.size >= CACHE_LIMIT) targetCache.clear();
    targetCache.set(bits, t);
  }
  return t;
}

/** Little-endian 256-bit comparison from the most significant byte down: a <= b. */
function lessOrEqualLE(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return true;
}

/** Throws BAD_BITS / BAD_POW unless `hash` meets `bits` and `bits` is no easier than the limit. */
export function checkPow(hash: Uint8Array, bits: number, powLimit: bigint): void {
  const target = cachedTarget(bits);
  if (target.value > powLimit) throw new P2PProtocolError('BAD_BITS', 'target easier than network limit');
  if (!lessOrEqualLE(hash, target.bytes)) {
    throw new P2PProtocolError(
      'BAD_POW',
      `hash above target for bits 0x${bits.toString(16).padStart(8, '0')}`,
    );
  }
}

/** Bitcoin Core's GetCompact: the inverse of targetFromBits, rounding the mantissa down. */
export function bitsFromTarget(target: bigint): number {
  let size = 0;
  for (let t = target; t > 0n; t >>= 8n) size++;
  let mantissa =
    size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // A set sign bit would read as negative: shift it into the next byte.
  if (mantissa & 0x00800000) {
    mantissa >>= 8;
    size++;
  }
  return ((size << 24) | mantissa) >>> 0;
}

// Generates valid regtest header chains fast, for tests and the relay-scale bench. Deliberately
// written without the relay's chain or header code (node:crypto only), so the relay is checked
// against headers it did not make itself.
import { hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REGTEST_GENESIS_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000';
const BITS = 0x207fffff;
const SPACING = 60;

export function doubleSha(data: Uint8Array): Buffer {
  return hash('sha256', hash('sha256', data, 'buffer'), 'buffer');
}

/** Regtest target is 0x7fffff << 232: compare the top three little-endian bytes (a hair strict). */
function meetsRegtestTarget(h: Buffer): boolean {
  return (((h[31] ?? 0) << 16) | ((h[30] ?? 0) << 8) | (h[29] ?? 0)) < 0x7fffff;
}

export interface ChainTip {
  readonly height: number;
  readonly hash: Buffer;
  readonly time: number;
}

/**
 * Writes `count` headers on top of `tip` into `out` at `offset` (80 bytes each), grinding the nonce
 * until each meets the regtest target (two tries on average). `salt` tells branches apart.
 */
export function mineInto(
  out: Buffer,
  offset: number,
  tip: ChainTip,
  count: number,
  salt = 0,
  time?: number,
): ChainTip {
  let prev = tip.hash;
  let t = tip.time;
  let height = tip.height;
  for (let i = 0; i < count; i++) {
    height++;
    // Generated history is a minute apart; a block mined "now" takes the clock, kept above its parent.
    t = time === undefined ? t + SPACING : Math.max(t + 1, time);
    const at = offset + i * 80;
    const raw = out.subarray(at, at + 80);
    raw.writeInt32LE(0x20000000, 0);
    prev.copy(raw, 4);
    raw.fill(0, 36, 68);
    raw.writeUInt32LE(height, 36);
    raw.writeUInt32LE(salt, 40);
    raw.writeUInt32LE(t, 68);
    raw.writeUInt32LE(BITS, 72);
    let nonce = 0;
    let h: Buffer;
    for (;;) {
      raw.writeUInt32LE(nonce, 76);
      h = doubleSha(raw);
      if (meetsRegtestTarget(h)) break;
      nonce++;
    }
    prev = h;
  }
  return { height, hash: prev, time: t };
}

export function genesisTip(): { raw: Buffer; tip: ChainTip } {
  const raw = Buffer.from(REGTEST_GENESIS_HEX, 'hex');
  return { raw, tip: { height: 0, hash: doubleSha(raw), time: raw.readUInt32LE(68) } };
}

/**
 * Headers 0..n (genesis included) as one buffer of (n + 1) × 80 bytes. Timestamps start far enough
 * back that the last one is not in the future, spaced a minute apart.
 */
export function generateRegtestChain(n: number, salt = 0): Buffer {
  const { raw: genesis, tip } = genesisTip();
  const out = Buffer.allocUnsafe((n + 1) * 80);
  genesis.copy(out, 0);
  const start = Math.floor(Date.now() / 1000) - n * SPACING - 86_400;
  mineInto(out, 80, { ...tip, time: Math.max(tip.time, start) }, n, salt);
  return out;
}

/** The same, cached in `dir` (a test's temp folder) so a suite generates each size once. */
export function cachedRegtestChain(dir: string, n: number, salt = 0): Buffer {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `regtest-${n}-${salt}.headers`);
  if (existsSync(file)) {
    const data = readFileSync(file);
    if (data.length === (n + 1) * 80) return data;
  }
  const data = generateRegtestChain(n, salt);
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
  return data;
}

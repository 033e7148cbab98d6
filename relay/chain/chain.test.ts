import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedRegtestChain, genesisTip, mineInto } from '../test-support/chain-gen';
import { hashToHex } from '../wire/bytes';
import { HeaderChain } from './chain';
import { CHAIN_PARAMS } from './params';
import { codeOf } from '../test-support/protocol-error-code';

const dir = mkdtempSync(path.join(os.tmpdir(), 'chain-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const N = 20_000;
const data = cachedRegtestChain(dir, N);
const at = (h: number): Buffer => data.subarray(h * 80, h * 80 + 80);

function feed(chain: HeaderChain, from: number, to: number, peer = 'p', src = data): void {
  for (let h = from; h <= to; h += 2000) {
    const raws: Buffer[] = [];
    for (let k = h; k <= Math.min(h + 1999, to); k++) raws.push(src.subarray(k * 80, k * 80 + 80));
    chain.addHeaders(raws, peer);
  }
}

describe('header chain (compact store)', () => {
  it('links a generated chain, finds every hash by index and serves getheaders from a locator', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    feed(chain, 1, N);
    expect(chain.height).toBe(N);
    expect(chain.tipWork).toBe(BigInt(N + 1) * 2n);
    for (const h of [0, 1, 777, 4096, N - 1, N]) expect(chain.main.find(chain.main.hashAt(h))).toBe(h);
    expect(chain.tip.header.raw.equals(at(N))).toBe(true);
    // A locator from height 5000 gets 5001..7000 back.
    const served = chain.headersAfter([chain.main.hashAt(5000)], Buffer.alloc(32));
    expect(served).toHaveLength(2000);
    expect(served[0]?.equals(at(5001))).toBe(true);
    // Compact: about 80 bytes of headers plus index per header, nothing like an object each.
    expect(chain.main.bytes).toBeLessThan(N * 80 + 6 * 1024 * 1024);
  });

  it('rejects a header that does not follow the one before it in a batch', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    expect(codeOf(() => chain.addHeaders([at(1), at(3)], 'p'))).toBe('NONCONTINUOUS_HEADERS');
    expect(chain.height).toBe(1);
  });

  it('persists to DATA_DIR, resumes from the stored tip and truncates a torn last write', () => {
    const file = path.join(dir, 'torn.dat');
    const first = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    feed(first, 1, 5000);
    first.addHeaders([at(5001)], 'p');
    first.close();
    const again = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    expect(again.height).toBe(5001);
    expect(again.loadReport.repaired).toBeNull();
    expect(hashToHex(again.main.tipHash)).toBe(hashToHex(first.main.tipHash));
    again.close();
    // Tear the last record (the single header 5001) half way through.
    truncateSync(file, statSync(file).size - 40);
    const torn = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    expect(torn.height).toBe(5000);
    expect(torn.loadReport.repaired).toMatch(/torn record body/);
    // The repaired file takes new writes and reloads cleanly.
    feed(torn, 5001, 6000);
    torn.close();
    const healed = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    expect(healed.height).toBe(6000);
    expect(healed.loadReport.repaired).toBeNull();
    healed.close();
  });

  it('detects a corrupted record by its checksum and keeps only what precedes it', () => {
    const file = path.join(dir, 'corrupt.dat');
    const c = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    feed(c, 1, 6000);
    c.close();
    const bytes = readFileSync(file);
    // Flip one byte inside the second record (heights 2001..4000).
    const second = 16 + 2000 * 80;
    bytes[second + 16 + 100] = (bytes[second + 16 + 100] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const loaded = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    expect(loaded.height).toBe(2000);
    expect(loaded.loadReport.repaired).toMatch(/checksum/);
    expect(statSync(file).size).toBe(16 + 2000 * 80);
    loaded.close();
  });

  it('goes on in memory and reports why when the file stops taking writes (disk full)', () => {
    const full = new HeaderChain(CHAIN_PARAMS.regtest, { file: '/dev/full' });
    feed(full, 1, 3000);
    expect(full.height).toBe(3000);
    expect(full.storeFailure).toMatch(/ENOSPC/);
    full.close();
  });

  it('reorgs to a heavier side branch, in memory and in the file', () => {
    const file = path.join(dir, 'reorg.dat');
    const chain = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    feed(chain, 1, 3000);
    // A branch forking at 2990 that is 20 long: heavier than our 10 blocks above the fork.
    const branch = Buffer.alloc(20 * 80);
    const fork = { height: 2990, hash: chain.main.hashAt(2990), time: chain.main.timeAt(2990) };
    mineInto(branch, 0, fork, 20, 7);
    const raws = Array.from({ length: 20 }, (_, i) => branch.subarray(i * 80, i * 80 + 80));
    const r1 = chain.addHeaders(raws.slice(0, 10), 'q');
    expect(r1).toMatchObject({ added: 10, reorg: false });
    expect(chain.side.size).toBe(10);
    const r2 = chain.addHeaders(raws.slice(10), 'q');
    expect(r2.reorg).toBe(true);
    expect(chain.height).toBe(3010);
    expect(chain.main.headerAt(2991).equals(raws[0] ?? Buffer.alloc(0))).toBe(true);
    chain.close();
    const reloaded = new HeaderChain(CHAIN_PARAMS.regtest, { file });
    expect(reloaded.height).toBe(3010);
    expect(reloaded.main.tipHash.equals(chain.main.tipHash)).toBe(true);
    reloaded.close();
  });

  it('bounds side branches: 500,000 valid side-chain headers from one peer, then the peer leaves', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    feed(chain, 1, N);
    const before = process.memoryUsage();
    const batch = Buffer.alloc(2000 * 80);
    const codes = new Map<string, number>();
    let sent = 0;
    const deepBranches: Buffer[] = [];
    for (let b = 0; b < 360; b++) {
      // Deep forks (out of reach of the tip) mixed with short in-reach branches that would fill storage.
      const deep = b % 3 !== 0;
      const forkHeight = deep ? 1000 + b : N - 500 + (b % 400);
      const fork = {
        height: forkHeight,
        hash: chain.main.hashAt(forkHeight),
        time: chain.main.timeAt(forkHeight),
      };
      const n = deep ? 2000 : N - forkHeight - 1;
      sent += n;
      // Mining is the test's cost, not the relay's: deep branches (refused at their first header) cycle through 8.
      let src: Buffer = batch;
      if (deep) {
        const cached = deepBranches[b % 8];
        src = cached ?? Buffer.alloc(2000 * 80);
        if (!cached) {
          mineInto(src, 0, fork, n, 1000 + b);
          deepBranches[b % 8] = src;
        }
      } else mineInto(batch, 0, fork, n, 1000 + b);
      const raws = Array.from({ length: n }, (_, i) => src.subarray(i * 80, i * 80 + 80));
      let deepFork = false;
      const code = codeOf(() => (deepFork = chain.addHeaders(raws, 'spammer').deepFork !== null)) ?? 'none';
      if (deepFork) codes.set('deep', (codes.get('deep') ?? 0) + 1);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const grown = process.memoryUsage();
    expect(sent).toBeGreaterThanOrEqual(500_000);
    // Deep forks are not stored nor blamed here: HeaderSync checks their work without storing them.
    expect(codes.get('deep')).toBe(240);
    expect(codes.get('SIDE_CHAIN_FLOOD')).toBeGreaterThan(100);
    expect(chain.side.size).toBeLessThanOrEqual(chain.side.limits.maxPerPeer);
    expect(grown.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    expect(chain.height).toBe(N);
    expect(chain.forgetPeer('spammer')).toBeGreaterThan(0);
    expect(chain.side.size).toBe(0);
  });

  it('rejects a fork below the last checkpoint', () => {
    const params = {
      ...CHAIN_PARAMS.regtest,
      checkpoints: [{ height: 100, hash: hashToHex(chainHash(100)) }],
    };
    const chain = new HeaderChain(params);
    feed(chain, 1, 300);
    const fork = { height: 50, hash: chain.main.hashAt(50), time: chain.main.timeAt(50) };
    const b = Buffer.alloc(80);
    mineInto(b, 0, fork, 1, 99);
    expect(codeOf(() => chain.addHeaders([b], 'p'))).toBe('FORK_BELOW_CHECKPOINT');
    // A header at the checkpoint height that is not the checkpoint is refused.
    const other = new HeaderChain(params);
    feed(other, 1, 99);
    const wrong = Buffer.alloc(80);
    mineInto(wrong, 0, { height: 99, hash: other.main.hashAt(99), time: other.main.timeAt(99) }, 1, 5);
    expect(codeOf(() => other.addHeaders([wrong], 'p'))).toBe('CHECKPOINT_MISMATCH');
  });
});

function chainHash(h: number): Buffer {
  const c = new HeaderChain(CHAIN_PARAMS.regtest);
  feed(c, 1, h);
  return c.main.hashAt(h);
}

describe('chain generator', () => {
  it('starts at the real regtest genesis', () => {
    expect(hashToHex(genesisTip().tip.hash)).toBe(CHAIN_PARAMS.regtest.genesisHash);
  });
});

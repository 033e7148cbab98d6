import { hashToHex, hexToHash, ZERO_HASH } from '../wire/bytes';
import { MAX_HEADERS_PER_MESSAGE } from '../wire/constants';
import { P2PProtocolError } from '../wire/protocol-error';
import { type BlockHeader, HEADER_BYTES, parseHeader, targetFromBits } from '../wire/header';
import { type ChainStore, openStore } from './store';
import { MainChain } from './main-chain';
import { type ChainParams, lastCheckpointHeight } from './params';
import { sha256d } from '../wire/bytes';
import { checkPow, workOf as workOfBits } from './pow';
import { type Ancestry, MAX_FUTURE_SECONDS, checkHeaderRules } from './rules';
import { Branches } from './branches';
import type { AddResult, BatchResult, ChainEntry, ChainOptions, DisconnectedBlock } from './chain-types';

export type { AddResult, BatchResult, ChainEntry, ChainOptions, DisconnectedBlock } from './chain-types';
import { SideBranches } from './side-branches';

/**
 * Every valid header that matters, from the network's genesis: the best chain (most cumulative work,
 * first seen wins ties) in compact form, bounded side branches, persisted when a file is given.
 * Headers are checked for proof of work and the header rules before they are linked.
 */
export class HeaderChain {
  readonly main: MainChain;
  readonly side: SideBranches;
  private readonly branches: Branches;
  private readonly powLimit: bigint;
  private readonly store: ChainStore | null;
  private readonly onStoreFailure: ((reason: string) => void) | undefined;
  private readonly now: () => number;
  private tipCache: ChainEntry | null = null;
  readonly mainAncestry: Ancestry;
  /** What the store found at start: headers loaded and any repair of a torn write. */
  readonly loadReport: { loaded: number; repaired: string | null; ms: number };

  constructor(
    readonly params: ChainParams,
    opts: ChainOptions = {},
  ) {
    const genesis = Buffer.from(params.genesisHeaderHex, 'hex');
    const genesisHash = sha256d(genesis);
    if (hashToHex(genesisHash) !== params.genesisHash)
      throw new Error(`genesis constant mismatch for ${params.name}`);
    this.powLimit = targetFromBits(params.powLimitBits);
    this.now = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.main = new MainChain(genesis, genesisHash);
    this.side = new SideBranches(opts.side);
    this.branches = new Branches(this.main, this.side, {
      verify: (raw, hash, height, anc) => this.verify(raw, hash, height, anc),
      lastCheckpoint: lastCheckpointHeight(params),
      maxForkDepth: opts.maxForkDepth ?? 1008,
    });
    this.mainAncestry = { timeAt: (h) => this.main.timeAt(h), bitsAt: (h) => this.main.bitsAt(h) };
    this.onStoreFailure = opts.onStoreFailure;
    const started = performance.now();
    this.store = opts.file
      ? openStore(opts.file, this.main, (raw, hash, h) => this.verify(raw, hash, h, this.mainAncestry))
      : null;
    this.loadReport = {
      loaded: this.main.height,
      repaired: this.store?.repaired ?? null,
      ms: Math.round(performance.now() - started),
    };
  }

  /**
   * Sizes the hash index for a chain of about `height` headers (a peer's start height). Capped, so
   * a peer claiming an absurd height costs at most a 16 MB table.
   */
  reserve(height: number): void {
    if (height > this.main.height) this.main.reserve(Math.min(height, 2_000_000) + 1);
  }

  get height(): number {
    return this.main.height;
  }

  get tipWork(): bigint {
    return this.main.tipWork;
  }

  /** A chain below the network's minimum work is not the real one, however a peer presents it. */
  get hasMinimumWork(): boolean {
    return this.main.tipWork >= this.params.minimumChainWork;
  }

  get tip(): ChainEntry {
    const h = this.main.height;
    if (
      !this.tipCache ||
      this.tipCache.height !== h ||
      !this.tipCache.header.hashBytes.equals(this.main.tipHash)
    ) {
      this.tipCache = {
        header: parseHeader(Buffer.from(this.main.headerAt(h))),
        height: h,
        work: this.main.tipWork,
      };
    }
    return this.tipCache;
  }

  get genesis(): ChainEntry {
    return this.entryAt(0);
  }

  atHeight(height: number): ChainEntry | undefined {
    return height >= 0 && height <= this.main.height ? this.entryAt(height) : undefined;
  }

  private entryAt(height: number): ChainEntry {
    if (height === this.main.height) return this.tip;
    return {
      header: parseHeader(Buffer.from(this.main.headerAt(height))),
      height,
      work: this.main.workAt(height),
    };
  }

  /** Main chain or side branch. */
  hasHash(hash: Uint8Array): boolean {
    return this.main.find(hash) >= 0 || this.side.get(hash) !== undefined;
  }

  has(hashHex: string): boolean {
    return this.hasHash(hexToHash(hashHex));
  }

  get(hashHex: string): ChainEntry | undefined {
    const bytes = hexToHash(hashHex);
    const h = this.main.find(bytes);
    if (h >= 0) return this.entryAt(h);
    const s = this.side.get(bytes);
    return s ? { header: parseHeader(Buffer.from(s.raw)), height: s.height, work: s.work } : undefined;
  }

  /** One header (the demo peer's miner, tests); peers' batches go through addHeaders. */
  add(header: BlockHeader, peer = 'local'): AddResult {
    const known = this.get(header.hash);
    if (known) return { status: 'known', entry: known };
    const r = this.addHeaders([header.raw], peer);
    if (!r.connected) return { status: 'unconnected' };
    const entry = this.get(header.hash);
    if (!entry) throw new Error('added header vanished');
    return { status: r.newMain.length > 0 ? 'tip' : 'side', entry };
  }

  /**
   * A run of headers, each the parent of the next (the caller checks continuity). Throws
   * P2PProtocolError for the first invalid one; the valid ones before it stay added.
   */
  addHeaders(raws: readonly Uint8Array[], peer: string): BatchResult {
    const tipBefore = this.main.height;
    const newMain: number[] = [];
    let added = 0;
    let reorg = false;
    let firstNew = -1;
    let lastHash: Buffer | null = null;
    let deepFork: BatchResult['deepFork'] = null;
    let future: BatchResult['future'] = null;
    const now = this.now();
    // Blocks of the chain as it was before this batch that a reorg in it takes off, by height.
    const gone = new Map<number, string>();
    this.branches.onDisconnect = (fork) => {
      for (let h = Math.min(this.main.height, tipBefore); h > fork; h--) {
        if (!gone.has(h) && !newMain.includes(h)) gone.set(h, hashToHex(this.main.hashAt(h)));
      }
    };
    const result = (connected: boolean): BatchResult => ({
      added,
      connected,
      tipBefore,
      newMain,
      reorg,
      disconnected: [...gone].sort((a, b) => b[0] - a[0]).map(([height, hash]) => ({ height, hash })),
      deepFork,
      future,
    });
    try {
      for (let i = 0; i < raws.length; i++) {
        const raw = asBuffer(raws[i]);
        const hash = sha256d(raw);
        // Comparisons in place (no 32-byte views): this loop runs once per header at sync.
        if (lastHash && lastHash.compare(raw, 4, 36) !== 0) {
          throw new P2PProtocolError('NONCONTINUOUS_HEADERS', `header ${i} does not follow header ${i - 1}`);
        }
        lastHash = hash;
        if (this.main.tipHash.compare(raw, 4, 36) === 0) {
          const height = this.main.height + 1;
          if (isFuture(raw, now)) {
            future = { index: i, reason: futureReason(raw, height, now) };
            break;
          }
          this.verify(raw, hash, height, this.mainAncestry, now);
          this.main.append(raw, hash);
          if (firstNew < 0) firstNew = height;
          newMain.push(height);
          added++;
          continue;
        }
        if (this.hasHash(hash)) continue;
        if (isFuture(raw, now)) {
          future = { index: i, reason: futureReason(raw, -1, now) };
          break;
        }
        const sideResult = this.branches.add(raw, hash, raw.subarray(4, 36), peer);
        if (sideResult === 'unconnected') {
          if (i === 0) return result(false);
          throw new P2PProtocolError('NONCONTINUOUS_HEADERS', `header ${i} does not follow header ${i - 1}`);
        }
        if (sideResult === 'deep') {
          deepFork = { index: i, fork: this.forkHeightOf(raw.subarray(4, 36)) };
          break;
        }
        added++;
        if (sideResult !== null) {
          if (firstNew < 0 || sideResult.fork + 1 < firstNew) firstNew = sideResult.fork + 1;
          reorg = true;
          newMain.length = 0;
          for (let h = firstNew; h <= this.main.height; h++) newMain.push(h);
        }
      }
    } finally {
      this.branches.onDisconnect = null;
      if (firstNew >= 0) this.persist(firstNew, reorg);
      if (added > 0 && this.side.size > 0) this.branches.prune();
    }
    return result(true);
  }

  /** Where a header whose parent is `prevHash` (main chain or side branch) leaves the main chain. */
  private forkHeightOf(prevHash: Uint8Array): number {
    const h = this.main.find(prevHash);
    if (h >= 0) return h;
    const side = this.side.get(prevHash);
    return side ? Math.min(side.forkHeight, this.main.height) : 0;
  }

  /**
   * Replaces the main chain above `fork` with `raws` (a branch the caller has seen to carry more
   * work, headers presync): every header is checked against the branch's own ancestry first, and
   * nothing changes unless all pass and the branch has more work than the tip.
   */
  adoptBranch(fork: number, forkHash: Buffer, raws: readonly Buffer[]): BatchResult {
    const tipBefore = this.main.height;
    const none: BatchResult = {
      added: 0,
      connected: false,
      tipBefore,
      newMain: [],
      reorg: false,
      disconnected: [],
      deepFork: null,
      future: null,
    };
    if (fork > this.main.height || !this.main.hashAt(fork).equals(forkHash) || raws.length === 0) return none;
    const at = (h: number): Buffer => (h <= fork ? this.main.headerAt(h) : (raws[h - fork - 1] as Buffer));
    const anc: Ancestry = { timeAt: (h) => at(h).readUInt32LE(68), bitsAt: (h) => at(h).readUInt32LE(72) };
    const now = this.now();
    let work = this.main.workAt(fork);
    let prev: Buffer = Buffer.from(forkHash);
    const hashes: Buffer[] = [];
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i] as Buffer;
      if (prev.compare(raw, 4, 36) !== 0) {
        throw new P2PProtocolError('NONCONTINUOUS_HEADERS', `header ${i} does not follow header ${i - 1}`);
      }
      const hash = sha256d(raw);
      this.verify(raw, hash, fork + 1 + i, anc, now);
      work += workOfBits(raw.readUInt32LE(72));
      hashes.push(hash);
      prev = hash;
    }
    if (work <= this.main.tipWork) return none;
    const disconnected: DisconnectedBlock[] = [];
    for (let h = this.main.height; h > fork; h--)
      disconnected.push({ height: h, hash: hashToHex(this.main.hashAt(h)) });
    this.main.truncate(fork);
    const newMain: number[] = [];
    for (let i = 0; i < raws.length; i++) {
      this.main.append(raws[i] as Buffer, hashes[i] as Buffer);
      newMain.push(fork + 1 + i);
    }
    this.persist(fork + 1, disconnected.length > 0);
    if (this.side.size > 0) this.branches.prune();
    return {
      ...none,
      added: raws.length,
      connected: true,
      newMain,
      reorg: disconnected.length > 0,
      disconnected,
    };
  }

  private verify(raw: Uint8Array, hash: Uint8Array, height: number, anc: Ancestry, now = this.now()): void {
    const buf = asBuffer(raw);
    const bits = buf.readUInt32LE(72);
    checkPow(hash, bits, this.powLimit);
    const time = buf.readUInt32LE(68);
    checkHeaderRules(this.params, { height, time, bits, hash }, anc, now);
  }

  private persist(firstNew: number, reorg: boolean): void {
    if (!this.store) return;
    const failedBefore = this.store.failure;
    this.store.write(firstNew, reorg);
    if (failedBefore === null && this.store.failure !== null) this.onStoreFailure?.(this.store.failure);
  }

  /** Why the header file stopped taking writes (disk full, permissions), or null. */
  get storeFailure(): string | null {
    return this.store?.failure ?? null;
  }

  forgetPeer(peer: string): number {
    return this.side.forgetPeer(peer);
  }

  /** Block locator from the best tip: dense for the last 10 blocks, then exponentially sparse. */
  locator(): Buffer[] {
    const out: Buffer[] = [];
    let step = 1;
    for (let h = this.main.height; h > 0; h -= step) {
      out.push(Buffer.from(this.main.hashAt(h)));
      if (out.length >= 10) step *= 2;
    }
    out.push(Buffer.from(this.main.hashAt(0)));
    return out;
  }

  /** What a node answers to getheaders: raw main-chain headers after the first locator hash it knows. */
  headersAfter(locator: readonly Buffer[], stop: Buffer, max = MAX_HEADERS_PER_MESSAGE): Buffer[] {
    let start = 0;
    for (const hash of locator) {
      const h = this.main.find(hash);
      if (h >= 0) {
        start = h;
        break;
      }
    }
    const stopAt = stop.equals(ZERO_HASH) ? -1 : this.main.find(stop);
    const end = Math.min(this.main.height, start + max, stopAt >= start ? stopAt : Infinity);
    const out: Buffer[] = [];
    for (let h = start + 1; h <= end; h++) out.push(this.main.headerAt(h));
    return out;
  }

  close(): void {
    this.store?.close();
  }
}

function isFuture(raw: Buffer, now: number): boolean {
  return raw.readUInt32LE(68) > now + MAX_FUTURE_SECONDS;
}

function futureReason(raw: Buffer, height: number, now: number): string {
  const ahead = raw.readUInt32LE(68) - now;
  return `header${height >= 0 ? ` at height ${height}` : ''} is ${Math.round(ahead / 60)} min ahead of this machine's clock (limit 120 min)`;
}

/** Peers' headers arrive as Buffer views already; only other Uint8Arrays get a (one-off) view. */
function asBuffer(raw: Uint8Array | undefined): Buffer {
  if (raw === undefined || raw.length !== HEADER_BYTES) {
    throw new P2PProtocolError('TRUNCATED', `header is ${raw?.length ?? 0} bytes, expected ${HEADER_BYTES}`);
  }
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, HEADER_BYTES);
}

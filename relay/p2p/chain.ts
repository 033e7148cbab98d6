import { ZERO_HASH, hashToHex } from './bytes';
import { type BlockHeader, checkProofOfWork, parseHeader, targetFromBits, workFromBits } from './header';
import type { NetworkParams } from './constants';
import { MAX_HEADERS_PER_MESSAGE } from './constants';

export interface ChainEntry {
  readonly header: BlockHeader;
  readonly height: number;
  /** Cumulative expected hashes from genesis: the best chain is the one with most work. */
  readonly work: bigint;
}

export type AddResult =
  | { readonly status: 'tip'; readonly entry: ChainEntry }
  | { readonly status: 'side'; readonly entry: ChainEntry }
  | { readonly status: 'known'; readonly entry: ChainEntry }
  | { readonly status: 'unconnected' };

/**
 * Every valid header seen, from the network's genesis. The best tip is the valid header with most
 * cumulative work (the highest one when difficulty is constant, as on regtest); ties keep the first
 * seen, as Bitcoin Core does. Headers are validated for proof of work before they are linked.
 */
export class HeaderChain {
  private readonly byHash = new Map<string, ChainEntry>();
  /** The best chain by height, so locators and getheaders replies are index lookups. */
  private readonly main: ChainEntry[] = [];
  private readonly powLimit: bigint;
  private best: ChainEntry;

  constructor(readonly params: NetworkParams) {
    this.powLimit = targetFromBits(params.powLimitBits);
    const header = parseHeader(Buffer.from(params.genesisHeaderHex, 'hex'));
    if (header.hash !== params.genesisHash) throw new Error(`genesis constant mismatch for ${params.name}`);
    this.best = { header, height: 0, work: workFromBits(header.bits) };
    this.byHash.set(header.hash, this.best);
    this.main.push(this.best);
  }

  get tip(): ChainEntry {
    return this.best;
  }

  get genesis(): ChainEntry {
    return this.main[0] ?? this.best;
  }

  get(hash: string): ChainEntry | undefined {
    return this.byHash.get(hash);
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  atHeight(height: number): ChainEntry | undefined {
    return this.main[height];
  }

  /** Throws P2PProtocolError (BAD_BITS, BAD_POW) for a header whose work is not real. */
  add(header: BlockHeader): AddResult {
    const known = this.byHash.get(header.hash);
    if (known) return { status: 'known', entry: known };
    checkProofOfWork(header, this.powLimit);
    const prev = this.byHash.get(hashToHex(header.prevHash));
    if (!prev) return { status: 'unconnected' };
    const entry: ChainEntry = {
      header,
      height: prev.height + 1,
      work: prev.work + workFromBits(header.bits),
    };
    this.byHash.set(header.hash, entry);
    if (entry.work <= this.best.work) return { status: 'side', entry };
    this.setBest(entry);
    return { status: 'tip', entry };
  }

  private setBest(entry: ChainEntry): void {
    // Walk back until we meet the current main chain; usually that is one step (a simple extension).
    const branch: ChainEntry[] = [];
    let cursor: ChainEntry | undefined = entry;
    while (cursor && this.main[cursor.height] !== cursor) {
      branch.push(cursor);
      cursor = this.byHash.get(hashToHex(cursor.header.prevHash));
    }
    if (!cursor) throw new Error('header chain lost its link to genesis');
    this.main.length = cursor.height + 1;
    for (let i = branch.length - 1; i >= 0; i--) {
      const e = branch[i];
      if (e) this.main.push(e);
    }
    this.best = entry;
  }

  /** Block locator from the best tip: dense for the last 10 blocks, then exponentially sparse. */
  locator(): Buffer[] {
    const out: Buffer[] = [];
    let step = 1;
    for (let h = this.best.height; h > 0; h -= step) {
      const e = this.main[h];
      if (e) out.push(e.header.hashBytes);
      if (out.length >= 10) step *= 2;
    }
    out.push(this.genesis.header.hashBytes);
    return out;
  }

  /** What a node answers to getheaders: main-chain headers after the first locator hash it knows. */
  headersAfter(locator: readonly Buffer[], stop: Buffer, max = MAX_HEADERS_PER_MESSAGE): BlockHeader[] {
    let start = 0;
    for (const hash of locator) {
      const e = this.byHash.get(hashToHex(hash));
      if (e && this.main[e.height] === e) {
        start = e.height;
        break;
      }
    }
    const stopHex = stop.equals(ZERO_HASH) ? null : hashToHex(stop);
    const out: BlockHeader[] = [];
    for (let h = start + 1; h < this.main.length && out.length < max; h++) {
      const e = this.main[h];
      if (!e) break;
      out.push(e.header);
      if (e.header.hash === stopHex) break;
    }
    return out;
  }
}

import { P2PProtocolError } from '../wire/protocol-error';

export interface SideEntry {
  readonly raw: Buffer;
  readonly hash: Buffer;
  readonly height: number;
  readonly work: bigint;
  /** The parent when it is also a side header; null when the parent is main-chain height - 1. */
  readonly prev: SideEntry | null;
  /**
   * Where the branch leaves the main chain, and that main-chain header's hash as the branch's first
   * header names it: kept per entry so that a header on a long branch is checked in constant time,
   * not by walking back to the branch's root (4,000 headers on one branch was 8 million steps).
   */
  readonly forkHeight: number;
  readonly forkHash: Buffer;
  readonly peer: string;
}

/** Bounds for headers off the best chain: a flood from one peer cannot crowd out everyone else. */
export interface SideLimits {
  readonly maxTotal: number;
  readonly maxPerPeer: number;
}

export const DEFAULT_SIDE_LIMITS: SideLimits = { maxTotal: 16_000, maxPerPeer: 4_000 };

const keyOf = (hash: Uint8Array): string => Buffer.from(hash.buffer, hash.byteOffset, 32).toString('latin1');

/**
 * Headers on branches that have less work than the best chain (stale blocks, a competing tip, a
 * reorg being downloaded). Bounded in count overall and per peer; entries that fall out of reach of
 * the tip are pruned, and a peer's entries go when the peer does.
 */
export class SideBranches {
  private readonly entries = new Map<string, SideEntry>();
  private readonly perPeer = new Map<string, number>();

  constructor(readonly limits: SideLimits = DEFAULT_SIDE_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  get(hash: Uint8Array): SideEntry | undefined {
    return this.entries.get(keyOf(hash));
  }

  add(entry: SideEntry): void {
    const mine = this.perPeer.get(entry.peer) ?? 0;
    if (mine >= this.limits.maxPerPeer || this.entries.size >= this.limits.maxTotal) {
      throw new P2PProtocolError(
        'SIDE_CHAIN_FLOOD',
        `side-chain headers over the limit (${mine} from this peer, ${this.entries.size} in all)`,
      );
    }
    this.entries.set(keyOf(entry.hash), entry);
    this.perPeer.set(entry.peer, mine + 1);
  }

  remove(entry: SideEntry): void {
    if (!this.entries.delete(keyOf(entry.hash))) return;
    const left = (this.perPeer.get(entry.peer) ?? 1) - 1;
    if (left <= 0) this.perPeer.delete(entry.peer);
    else this.perPeer.set(entry.peer, left);
  }

  /** Drops what `keep` rejects; returns how many went. */
  prune(keep: (e: SideEntry) => boolean): number {
    let dropped = 0;
    for (const e of this.entries.values()) {
      if (keep(e)) continue;
      this.remove(e);
      dropped++;
    }
    return dropped;
  }

  forgetPeer(peer: string): number {
    return this.perPeer.has(peer) ? this.prune((e) => e.peer !== peer) : 0;
  }
}

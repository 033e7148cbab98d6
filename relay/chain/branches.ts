import { P2PProtocolError } from '../wire/protocol-error';
import { HEADER_BYTES } from '../wire/header';
import type { MainChain } from './main-chain';
import { workOf } from './pow';
import type { Ancestry } from './rules';
import type { SideBranches, SideEntry } from './side-branches';

export interface BranchRules {
  /** Proof of work and header rules for `raw` at `height` on the branch `anc` describes. */
  readonly verify: (raw: Uint8Array, hash: Uint8Array, height: number, anc: Ancestry) => void;
  /** Forks below this height are refused outright. */
  readonly lastCheckpoint: number;
  /** How far below the tip (in blocks of the tip's recent work) a branch may fork and still be kept. */
  readonly maxForkDepth: number;
}

/**
 * Fork choice for headers that do not extend the tip: keeps them as bounded side branches, refuses
 * those too far below the tip to matter (or below the last checkpoint), and reorganises the main
 * chain when a branch gets more work.
 */
export class Branches {
  private floorCache: { height: number; tipWork: bigint; floor: bigint } | null = null;
  /** Told before the main chain above `fork` is replaced, while its headers are still readable. */
  onDisconnect: ((fork: number) => void) | null = null;

  constructor(
    private readonly main: MainChain,
    private readonly side: SideBranches,
    private readonly rules: BranchRules,
  ) {}

  /** Null when stored on a side branch; the fork height when it made that branch the best chain. */
  add(
    raw: Uint8Array,
    hash: Buffer,
    prevHash: Uint8Array,
    peer: string,
  ): 'unconnected' | 'deep' | null | { fork: number } {
    const parentHeight = this.main.find(prevHash);
    const parentSide = parentHeight < 0 ? this.side.get(prevHash) : undefined;
    if (parentHeight < 0 && !parentSide) return 'unconnected';
    const height = parentSide ? parentSide.height + 1 : parentHeight + 1;
    const forkHeight = parentSide ? parentSide.forkHeight : parentHeight;
    if (forkHeight < this.rules.lastCheckpoint) {
      throw new P2PProtocolError(
        'FORK_BELOW_CHECKPOINT',
        `fork at ${forkHeight} below checkpoint ${this.rules.lastCheckpoint}`,
      );
    }
    const bits = Buffer.from(raw.buffer, raw.byteOffset, HEADER_BYTES).readUInt32LE(72);
    const work = (parentSide ? parentSide.work : this.main.workAt(parentHeight)) + workOf(bits);
    // Too far below the tip to keep as a side branch. Not misbehaviour: an honest chain with more
    // work can fork deeper than this; the caller follows it without storing it (headers presync).
    if (work < this.workFloor()) return 'deep';
    this.rules.verify(raw, hash, height, this.branchAncestry(parentSide ?? null, forkHeight));
    const entry: SideEntry = {
      raw: Buffer.from(raw),
      hash,
      height,
      work,
      prev: parentSide ?? null,
      forkHeight,
      forkHash: parentSide ? parentSide.forkHash : Buffer.from(prevHash),
      peer,
    };
    if (work <= this.main.tipWork || !this.stillForksFromMain(entry)) {
      this.side.add(entry);
      return null;
    }
    return { fork: this.reorgTo(entry) };
  }

  /**
   * The least work a branch may have and still be kept: the main chain's work maxForkDepth blocks
   * below the tip. Summing it costs up to 2,015 headers' work, so it is computed once per tip, not
   * once per side header (a side-chain flood spent over 100 ms of event loop on it).
   */
  private workFloor(): bigint {
    const { height, tipWork } = this.main;
    const cached = this.floorCache;
    if (cached && cached.height === height && cached.tipWork === tipWork) return cached.floor;
    const floor = this.main.workAt(Math.max(0, height - this.rules.maxForkDepth));
    this.floorCache = { height, tipWork, floor };
    return floor;
  }

  private branchAncestry(parent: SideEntry | null, forkHeight: number): Ancestry {
    const at = (h: number): Buffer => {
      if (h <= forkHeight) return this.main.headerAt(h);
      let c = parent;
      while (c && c.height > h) c = c.prev;
      if (!c) throw new Error(`side branch lost height ${h}`);
      return c.raw;
    };
    return { timeAt: (h) => at(h).readUInt32LE(68), bitsAt: (h) => at(h).readUInt32LE(72) };
  }

  /** A branch whose fork point has since left the main chain (an earlier reorg) cannot be joined. */
  private stillForksFromMain(tip: SideEntry): boolean {
    const fork = tip.forkHeight;
    return fork <= this.main.height && tip.forkHash.equals(this.main.hashAt(fork));
  }

  /** Makes the branch ending at `tip` the best chain; the displaced headers become side entries. */
  private reorgTo(tip: SideEntry): number {
    this.onDisconnect?.(tip.forkHeight);
    const branch: SideEntry[] = [];
    for (let c: SideEntry | null = tip; c; c = c.prev) branch.push(c);
    branch.reverse();
    const fork = tip.forkHeight;
    const forkHash = Buffer.from(this.main.hashAt(fork));
    const displaced: SideEntry[] = [];
    let prev: SideEntry | null = null;
    // Work accumulated header by header from the fork: workAt(h) sums up to 2,015 headers each time.
    let work = this.main.workAt(fork);
    for (let h = fork + 1; h <= this.main.height; h++) {
      const raw = Buffer.from(this.main.headerAt(h));
      work += workOf(raw.readUInt32LE(72));
      const e: SideEntry = {
        raw,
        hash: Buffer.from(this.main.hashAt(h)),
        height: h,
        work,
        prev,
        forkHeight: fork,
        forkHash,
        peer: 'displaced',
      };
      displaced.push(e);
      prev = e;
    }
    this.main.truncate(fork);
    for (const e of branch) {
      this.side.remove(e);
      this.main.append(e.raw, e.hash);
    }
    for (const e of displaced) {
      try {
        this.side.add(e);
      } catch {
        break; // side storage full: the old branch is simply forgotten
      }
    }
    return fork;
  }

  prune(): void {
    const floor = this.workFloor();
    this.side.prune((e) => e.work >= floor && e.height > this.rules.lastCheckpoint);
  }
}

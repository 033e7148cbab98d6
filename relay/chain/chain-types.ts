import type { BlockHeader } from '../wire/header';
import type { SideLimits } from './side-branches';

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

export interface BatchResult {
  /** Headers new to us (main chain or side branch). */
  readonly added: number;
  /** False when the first header's parent is unknown: nothing was added. */
  readonly connected: boolean;
  readonly tipBefore: number;
  /** Main-chain heights that became new in this batch, in order (after a reorg, the new branch). */
  readonly newMain: number[];
  readonly reorg: boolean;
  /** Blocks this batch took off the best chain (old tip first), when it reorganised. */
  readonly disconnected: DisconnectedBlock[];
  /**
   * The batch reached a branch forking too far below the tip to be kept as a side branch (headers
   * from `index` on were not looked at): `fork` is the main-chain height it leaves from, for
   * presync. Null otherwise.
   */
  readonly deepFork: { readonly index: number; readonly fork: number } | null;
  /** A header more than 2 h ahead of our clock stopped the batch there (not misbehaviour), or null. */
  readonly future: { readonly index: number; readonly reason: string } | null;
}

export interface DisconnectedBlock {
  readonly height: number;
  /** Display hex. */
  readonly hash: string;
}

export interface ChainOptions {
  /** Called once when a header file write first fails (disk full, permissions): the relay logs it. */
  readonly onStoreFailure?: (reason: string) => void;
  /** Header store file; none keeps the chain in memory only. */
  readonly file?: string;
  readonly side?: SideLimits;
  /** Seconds since the epoch, for the 2-hour future limit (tests move it). */
  readonly nowSeconds?: () => number;
  /** How far below the tip (in blocks of the tip's work) a side branch may fork and still be kept. */
  readonly maxForkDepth?: number;
}

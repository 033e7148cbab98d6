import type { BlockHeader } from '../p2p/header';
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

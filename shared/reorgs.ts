/**
 * Reorgs as the panel sees them in its list of relayed blocks. The stream sends a reorg event and
 * then the new branch's blocks (shared/relay-stream.ts); the probe records the blocks, so a reorg
 * shows in that list as a block whose height is not above the block before it: the new branch
 * starting again at fork + 1. The same block recorded twice (same height and hash: the stream
 * re-sent its tip, say after a relay restart) is no reorg. Derived from the blocks, the report's count
 * agrees with history recorded before reorg events existed, and with the Dashboard's markers, which
 * apply this rule as blocks arrive (renderer/store/metrics-store.ts applyBlock).
 */
export interface ReorgMark {
  /** Index in the list of the first block of the new branch. */
  readonly index: number;
  /** Height of that block (fork + 1). */
  readonly height: number;
  /** Blocks replaced, as far as this list shows: the previous block's height - fork. */
  readonly depth: number;
}

type ListedBlock = { readonly height: number; readonly hash?: string };

export function reorgMarks(blocks: readonly ListedBlock[]): ReorgMark[] {
  const marks: ReorgMark[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const prev = blocks[i - 1] as ListedBlock;
    const block = blocks[i] as ListedBlock;
    const repeat = block.hash !== undefined && block.height === prev.height && block.hash === prev.hash;
    if (block.height <= prev.height && !repeat)
      marks.push({ index: i, height: block.height, depth: prev.height - block.height + 1 });
  }
  return marks;
}

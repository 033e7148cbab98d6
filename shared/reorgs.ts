/**
 * Reorgs as the panel sees them in its list of relayed blocks. The stream sends a reorg event and
 * then the new branch's blocks (shared/relay-stream.ts); the probe records the blocks, so a reorg
 * shows in that list as a block whose height is not above the block before it: the new branch
 * starting again at fork + 1. Derived from the blocks, the chart's markers and the report's count
 * agree with each other and with history recorded before reorg events existed.
 */
export interface ReorgMark {
  /** Index in the list of the first block of the new branch. */
  readonly index: number;
  /** Height of that block (fork + 1). */
  readonly height: number;
  /** Blocks replaced, as far as this list shows: the previous block's height - fork. */
  readonly depth: number;
}

export function reorgMarks(blocks: readonly { readonly height: number }[]): ReorgMark[] {
  const marks: ReorgMark[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const prev = (blocks[i - 1] as { height: number }).height;
    const h = (blocks[i] as { height: number }).height;
    if (h <= prev) marks.push({ index: i, height: h, depth: prev - h + 1 });
  }
  return marks;
}

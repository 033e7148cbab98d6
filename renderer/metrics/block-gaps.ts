import type { BlockRelayed } from './types';

/** A height the chart shows although no block of it reached the probe (restart, stream down). */
export interface MissingBlock {
  readonly height: number;
  readonly missing: true;
  readonly addedMs: null;
  readonly endToEndMs: null;
}

export type BlockSlot = BlockRelayed | MissingBlock;

export const isMissing = (slot: BlockSlot): slot is MissingBlock => 'missing' in slot;

/**
 * The block chart's x axis is one slot per height, so heights no block arrived for must be slots too,
 * or 36, 45, 54 sit side by side as if consecutive (issue 22). Up to `maxFill` missing heights are
 * filled with empty slots; beyond that (a long outage, a sync jump) none are, and the count alone is
 * reported for the legend.
 */
export function withGaps(
  blocks: readonly BlockRelayed[],
  maxFill = 200,
): { slots: BlockSlot[]; missing: number } {
  let missing = 0;
  for (let i = 1; i < blocks.length; i++) {
    const gap = (blocks[i]?.height ?? 0) - (blocks[i - 1]?.height ?? 0) - 1;
    if (gap > 0) missing += gap;
  }
  if (missing === 0 || missing > maxFill) return { slots: [...blocks], missing };
  const slots: BlockSlot[] = [];
  for (const [i, b] of blocks.entries()) {
    const prev = blocks[i - 1];
    if (prev) {
      for (let h = prev.height + 1; h < b.height; h++) {
        slots.push({ height: h, missing: true, addedMs: null, endToEndMs: null });
      }
    }
    slots.push(b);
  }
  return { slots, missing };
}

import { formatHeight, shortHash } from '../format';
import type { ReorgSeen } from '../store/metrics-store';
import { isMissing, type BlockSlot } from './block-gaps';

/** Slots closer than this put their reorg labels on two rows, so neighbouring labels never overlap. */
const LABEL_CROWDED_SLOTS = 6;

export function reorgText(r: ReorgSeen): string {
  return `Reorg at height ${formatHeight(r.height)}: ${r.depth} block${r.depth === 1 ? '' : 's'} replaced (tip was #${formatHeight(r.replacedTip.height)} ${shortHash(r.replacedTip.hash)})`;
}

/**
 * The reorgs drawn: each one whose new-branch block is still the one drawn at its height (a later,
 * deeper reorg replaced the others), with the label row that keeps close neighbours apart.
 */
export function visibleReorgs(
  reorgs: readonly ReorgSeen[],
  slots: readonly BlockSlot[],
): Array<{ reorg: ReorgSeen; row: 0 | 1 }> {
  const slotOf = new Map(slots.map((s, i) => [s.height, { slot: s, i }]));
  const shown: Array<{ reorg: ReorgSeen; row: 0 | 1; i: number }> = [];
  for (const reorg of reorgs) {
    const at = slotOf.get(reorg.height);
    if (!at || isMissing(at.slot) || at.slot.receivedAt !== reorg.at) continue;
    const prev = shown[shown.length - 1];
    const row: 0 | 1 = prev && at.i - prev.i < LABEL_CROWDED_SLOTS && prev.row === 0 ? 1 : 0;
    shown.push({ reorg, row, i: at.i });
  }
  return shown.map(({ reorg, row }) => ({ reorg, row }));
}

import type { BlockRelayed } from '../../../shared/metrics';
import type { ExactLatency, ReportBlock, ReportSummary } from '../../../shared/report';
import { exactSummary } from '../../../shared/percentile';
import type { TierName } from '../../../shared/tiers';
import type { TierTimeline } from './timeline';
import { reorgMarks } from '../../../shared/reorgs';

/**
 * Block relay latency for a report. Blocks are few (about 144 a day), so their figures are exact,
 * over every block, with the same nearest-rank percentile as the probe samples.
 */

/** A month of blocks fits; beyond that the JSON says `truncated` and the count stays exact. */
export const BLOCK_LIST_CAP = 5000;

export function blockLatency(values: readonly number[]): ExactLatency {
  const s = exactSummary(values);
  return { n: s.n, p50: s.percentile(0.5), p90: s.percentile(0.9), max: s.max, mean: s.mean };
}

/** The requested tier's blocks: each block belongs to the tier in effect when it reached the relay. */
export function summarizeBlocks(
  blocks: readonly BlockRelayed[],
  timeline: TierTimeline,
  tier: TierName,
): ReportSummary['blocks'] {
  const mine: ReportBlock[] = [];
  for (const b of blocks) {
    const at = timeline.tierAt(b.receivedAt);
    if (at === tier) mine.push({ ...b, tier: at });
  }
  // A negative end-to-end figure is two processes' clocks disagreeing, not a latency: panels before
  // shared/clock.ts anchored every process to the wall clock stored a few, and they stay in history.
  const endToEnd = mine.flatMap((b) => (b.endToEndMs === null || b.endToEndMs < 0 ? [] : [b.endToEndMs]));
  return {
    count: mine.length,
    added: blockLatency(mine.map((b) => b.addedMs)),
    endToEnd: blockLatency(endToEnd),
    list: mine.slice(0, BLOCK_LIST_CAP),
    truncated: mine.length > BLOCK_LIST_CAP,
    reorgs: reorgMarks(mine).length,
  };
}

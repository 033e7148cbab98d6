import type { BlockRelayed } from '../../../shared/metrics';
import type { ExactLatency, ReportBlock, ReportSummary } from '../../../shared/report';
import type { TierName } from '../../../shared/tiers';
import { nearestRank } from './histogram';
import type { TierTimeline } from './timeline';

/**
 * Block relay latency for a report. Blocks are few (about 144 a day), so their figures are exact,
 * over every block, with the same nearest-rank percentile as the probe samples.
 */

/** A month of blocks fits; beyond that the JSON says `truncated` and the count stays exact. */
export const BLOCK_LIST_CAP = 5000;

export function exactLatency(values: readonly number[]): ExactLatency {
  if (values.length === 0) return { n: 0, p50: null, p90: null, max: null, mean: null };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: nearestRank(sorted, 0.5),
    p90: nearestRank(sorted, 0.9),
    max: sorted[sorted.length - 1] ?? null,
    mean: sum / sorted.length,
  };
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
  const endToEnd = mine.flatMap((b) => (b.endToEndMs === null ? [] : [b.endToEndMs]));
  return {
    count: mine.length,
    added: exactLatency(mine.map((b) => b.addedMs)),
    endToEnd: exactLatency(endToEnd),
    list: mine.slice(0, BLOCK_LIST_CAP),
    truncated: mine.length > BLOCK_LIST_CAP,
  };
}

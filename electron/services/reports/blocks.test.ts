import { describe, expect, it } from 'vitest';
import type { BlockRelayed } from '../../../shared/metrics';
import { ReportSummary } from '../../../shared/report';
import { summarizeBlocks } from './blocks';
import { TierTimeline } from './timeline';

const block = (height: number, endToEndMs: number | null): BlockRelayed => ({
  height,
  hash: height.toString(16).padStart(64, '0'),
  receivedAt: 1_000 + height,
  relayedAt: 1_000.5 + height,
  addedMs: 0.5,
  endToEndMs,
  deliveredAt: 1_001 + height,
});

describe('block figures in a report', () => {
  it('leave out a negative end-to-end figure an older panel stored (clocks that disagreed); the block still counts', () => {
    const timeline = new TierTimeline();
    timeline.note(0, 'enterprise');
    const summary = summarizeBlocks(
      [block(1, 3.5), block(2, -4.2), block(3, null), block(4, 5.5)],
      timeline,
      'enterprise',
    );
    expect(summary.count).toBe(4);
    expect(summary.endToEnd).toMatchObject({ n: 2, max: 5.5 });
    expect(summary.endToEnd.p50).toBeGreaterThanOrEqual(0);
    // The figures pass the report's own schema, which refuses a negative latency.
    expect(ReportSummary.shape.blocks.safeParse(summary).success).toBe(true);
  });
});

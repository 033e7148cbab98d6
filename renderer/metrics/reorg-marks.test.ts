import { describe, expect, it } from 'vitest';
import { applyBlock, emptyMetrics, REORGS_KEPT, type MetricsData } from '../store/metrics-store';
import { withGaps } from './block-gaps';
import { reorgText, visibleReorgs } from './reorg-marks';
import type { BlockRelayed } from './types';

let clock = 0;
/** A block on `branch`, received after every block made before it. */
const block = (height: number, branch = 'a'): BlockRelayed => {
  clock += 1000;
  return {
    height,
    hash: `${branch}${height}`.padStart(64, '0'),
    receivedAt: clock,
    relayedAt: clock + 1,
    addedMs: 1,
    endToEndMs: 2,
    deliveredAt: clock + 2,
  };
};
const feed = (state: MetricsData, heights: readonly number[], branch: string): MetricsData =>
  heights.reduce((s, h) => applyBlock(s, block(h, branch)), state);
const drawn = (state: MetricsData) => visibleReorgs(state.reorgs, withGaps(state.blocks).slots);

describe('reorgs in the block chart', () => {
  it('keeps the common blocks, replaces the old branch and marks the reorg at fork + 1 with its depth', () => {
    let state = feed(emptyMetrics(), [100, 101, 102, 103], 'a');
    // The relay streams a 3-block reorg: the new branch from 101.
    state = feed(state, [101, 102, 103, 104], 'b');
    expect(state.blocks.map((b) => b.hash.replace(/^0+/, ''))).toEqual([
      'a100',
      'b101',
      'b102',
      'b103',
      'b104',
    ]);
    expect(state.reorgs).toHaveLength(1);
    expect(state.reorgs[0]).toMatchObject({ height: 101, depth: 3, replacedTip: { height: 103 } });
    const marks = drawn(state);
    expect(marks.map((m) => [m.reorg.height, m.row])).toEqual([[101, 0]]);
    expect(reorgText(state.reorgs[0]!)).toMatch(/^Reorg at height 101: 3 blocks replaced \(tip was #103 /);
  });

  it('a 1-block reorg (same height, other hash) reads "1 block replaced"', () => {
    let state = feed(emptyMetrics(), [7, 8], 'a');
    state = feed(state, [8], 'b');
    expect(state.reorgs[0]).toMatchObject({ height: 8, depth: 1 });
    expect(reorgText(state.reorgs[0]!)).toMatch(/: 1 block replaced/);
  });

  it('puts the labels of neighbouring reorgs on two rows, and far ones on the first', () => {
    let state = feed(emptyMetrics(), [1, 2, 3, 4], 'a');
    state = feed(state, [4, 5, 6], 'b');
    state = feed(state, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 'c');
    state = feed(state, [20, 21], 'd');
    expect(drawn(state).map((m) => [m.reorg.height, m.row])).toEqual([
      [4, 0],
      [6, 1],
      [20, 0],
    ]);
  });

  it('draws no marker on a block a later, deeper reorg replaced, but still counts it', () => {
    let state = feed(emptyMetrics(), [1, 2, 3, 4, 5], 'a');
    state = feed(state, [5, 6], 'b'); // marked at 5
    state = feed(state, [3, 4, 5, 6, 7], 'c'); // deeper: 3..6 replaced, c's 5 is not b's 5
    expect(state.reorgs.map((r) => r.height)).toEqual([5, 3]);
    expect(drawn(state).map((m) => m.reorg.height)).toEqual([3]);
  });

  it('keeps at most REORGS_KEPT reorgs', () => {
    let state = feed(emptyMetrics(), [1], 'a');
    for (let i = 0; i < REORGS_KEPT + 5; i++) state = feed(state, [1], `r${i}`);
    expect(state.reorgs).toHaveLength(REORGS_KEPT);
    expect(state.reorgs.at(-1)?.replacedTip.hash).toMatch(new RegExp(`r${REORGS_KEPT + 3}1$`));
  });
});

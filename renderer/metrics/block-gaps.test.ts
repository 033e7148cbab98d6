import { describe, expect, it } from 'vitest';
import type { BlockRelayed } from './types';
import { isMissing, withGaps } from './block-gaps';

const block = (height: number): BlockRelayed => ({
  height,
  hash: height.toString(16).padStart(64, '0'),
  receivedAt: height * 1000,
  relayedAt: height * 1000 + 1,
  addedMs: 1,
  endToEndMs: 2,
  deliveredAt: height * 1000 + 2,
});

describe('withGaps', () => {
  it('gives every missing height its own empty slot, so 36 and 45 are not drawn side by side', () => {
    const { slots, missing } = withGaps([block(35), block(36), block(45), block(46)]);
    expect(missing).toBe(8);
    expect(slots.map((s) => s.height)).toEqual([35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46]);
    expect(slots.filter(isMissing).map((s) => s.height)).toEqual([37, 38, 39, 40, 41, 42, 43, 44]);
  });

  it('leaves consecutive heights alone', () => {
    const blocks = [block(1), block(2), block(3)];
    expect(withGaps(blocks)).toEqual({ slots: blocks, missing: 0 });
  });

  it('fills nothing beyond the limit (a sync jump) but still counts the missing heights', () => {
    const { slots, missing } = withGaps([block(1), block(100_000)], 200);
    expect(missing).toBe(99_998);
    expect(slots).toHaveLength(2);
  });
});

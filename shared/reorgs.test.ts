import { describe, expect, it } from 'vitest';
import { reorgMarks } from './reorgs';

const heights = (...hs: number[]) => hs.map((height) => ({ height }));

describe('reorg marks in a relayed-block list', () => {
  it('marks where a new branch starts again below the last height, with its depth', () => {
    // 33, 34, 35, then a 3-block reorg: the new branch's 33, 34, 35, 36.
    expect(reorgMarks(heights(33, 34, 35, 33, 34, 35, 36))).toEqual([{ index: 3, height: 33, depth: 3 }]);
    // A 1-block reorg (same height again), then another of depth 2.
    expect(reorgMarks(heights(10, 11, 11, 12, 11, 12, 13))).toEqual([
      { index: 2, height: 11, depth: 1 },
      { index: 4, height: 11, depth: 2 },
    ]);
  });

  it('nothing for a chain that only grows, gaps included, or an empty list', () => {
    expect(reorgMarks(heights(1, 2, 5, 9))).toEqual([]);
    expect(reorgMarks([])).toEqual([]);
  });

  it('the same block recorded twice is no reorg; the same height with another hash is one', () => {
    const b = (height: number, hash: string) => ({ height, hash });
    expect(reorgMarks([b(5, 'a5'), b(6, 'a6'), b(6, 'a6'), b(7, 'a7')])).toEqual([]);
    expect(reorgMarks([b(5, 'a5'), b(6, 'a6'), b(6, 'b6')])).toEqual([{ index: 2, height: 6, depth: 1 }]);
  });
});

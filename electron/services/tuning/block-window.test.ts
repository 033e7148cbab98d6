import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../probe/protocol';
import { BlockWindow } from './live-runner';

const AT = 1_000_000;
const slot = (k: number, latency = 1, ok = true): ProbeSample => [AT + k * 5, latency, ok, 0];

describe('a block’s window of slots (200 Hz, 4 warm-up, 6 counted)', () => {
  it('places samples by their intended time, not by when they arrive', () => {
    const window = new BlockWindow(AT, 200, 4, 6);
    // Slot 3 (warm-up) was slow and arrives after slots 4-6; slot 9 was slow and arrives last.
    window.add([slot(0), slot(1), slot(2), slot(4), slot(5), slot(6)]);
    window.add([slot(3, 40), slot(7), slot(8), slot(10), slot(11)]);
    expect(window.complete).toBe(false);
    window.add([slot(9, 60)]);
    expect(window.complete).toBe(true);
    const block = window.result(1000);
    expect(block.counted.map((s) => s[0])).toEqual([4, 5, 6, 7, 8, 9].map((k) => AT + k * 5));
    // The slow early one stays in the warm-up; the slow late one counts; slots past the block do not.
    expect(block.warmup.map((s) => s[1])).toEqual([1, 1, 1, 40]);
    expect(block.counted.map((s) => s[1])).toEqual([1, 1, 1, 1, 1, 60]);
    expect(block.stalled).toBe(0);
  });

  it('charges counted slots that never reported as timeouts, and only those', () => {
    const window = new BlockWindow(AT, 200, 4, 6);
    window.add([0, 1, 2, 3, 4, 5, 8].map((k) => slot(k)));
    const block = window.result(1000);
    expect(block.stalled).toBe(3);
    expect(block.counted.filter((s) => !s[2]).map((s) => [s[0], s[1]])).toEqual(
      [6, 7, 9].map((k) => [AT + k * 5, 1000]),
    );
  });

  it('ignores samples from before its first slot and repeats of a slot', () => {
    const window = new BlockWindow(AT, 200, 4, 6);
    window.add([[AT - 50, 999, false, 0], ...[4, 5, 6, 7, 8].map((k) => slot(k)), slot(8, 7)]);
    expect(window.complete).toBe(false);
    const block = window.result(1000);
    expect(block.warmup).toEqual([]);
    expect(block.counted).toHaveLength(6);
    expect(block.stalled).toBe(1);
  });
});

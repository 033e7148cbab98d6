/**
 * The comparison on made-up windows. Against a floor (the C prober): it passes a panel whose excess
 * over the floor is its stated own time, and fails one that reads below the floor or above it by more
 * than its own time. Against a Node reference that states its own time too: the two ranges (figure
 * less own time, figure) must meet.
 */
import { describe, expect, it } from 'vitest';
import { expectSameFigures, type Slot } from './comparison';

const FIFO = ['chrt', '-f', '10'];
/** 1,000 slots whose latencies run evenly from `from` to `from + 0.4` ms. */
const window = (from: number, ownMs?: number): Slot[] =>
  Array.from({ length: 1000 }, (_, i) => ({
    t: i * 20,
    fromIntendedMs: from + (0.4 * i) / 999,
    ok: true,
    lateMs: 0,
    ...(ownMs === undefined ? {} : { ownMs }),
  }));
const compare = (own: Slot[], reference: Slot[], floor = true) => {
  const skipped: string[] = [];
  expectSameFigures(own, reference, {
    label: 'made up',
    reference: floor ? 'C' : 'independent',
    priority: FIFO,
    skip: (note) => skipped.push(note),
    ...(floor ? { floor: true } : {}),
  });
  return skipped;
};

describe('the panel against a floor prober', () => {
  it('passes when what the panel reads above the floor is its own time', () => {
    expect(compare(window(0.4, 0.1), window(0.3))).toEqual([]);
  });

  it('fails when the panel reads more above the floor than its own time', () => {
    expect(() => compare(window(0.5, 0.05), window(0.3))).toThrow(/less its own time .* is above C/);
  });

  it('fails when the panel reads below the floor', () => {
    expect(() => compare(window(0.2, 0), window(0.3))).toThrow(/is below C/);
  });

  it('refuses a panel whose samples carry no own time', () => {
    expect(() => compare(window(0.3), window(0.3))).toThrow(/carry no own time/);
  });
});

describe('the panel against a Node reference that states its own time', () => {
  it('passes when the reference reads above the panel by no more than its own time', () => {
    // The CI run's loaded window: the reference 0.1 ms above the panel at p90.
    expect(compare(window(0.4, 0.05), window(0.5, 0.12), false)).toEqual([]);
  });

  it('fails when the reference less its own time is still above the panel', () => {
    expect(() => compare(window(0.4, 0.05), window(0.6, 0.05), false)).toThrow(
      /is below independent less its own time/,
    );
  });

  it('fails when the panel less its own time is above the reference', () => {
    expect(() => compare(window(0.6, 0.05), window(0.4, 0.1), false)).toThrow(
      /less its own time .* is above independent/,
    );
  });

  it('refuses a reference whose samples carry no own time', () => {
    expect(() => compare(window(0.4, 0.05), window(0.4), false)).toThrow(/only a floor prober/);
  });
});

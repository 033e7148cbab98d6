import { describe, expect, it } from 'vitest';
import { budgetLeftText, budgetText } from './budget';
import { formatDuration } from './duration';
import { formatAxisMs } from './number';
import { formatPercent } from './percent';

describe('formatPercent (panel and reports)', () => {
  it('never prints 100% or 0% for a fraction that is not exactly that', () => {
    expect(formatPercent(0.9999996, 3)).toBe('99.999%');
    expect(formatPercent(0.0000004, 3)).toBe('0.001%');
    expect(formatPercent(1, 3)).toBe('100%');
    expect(formatPercent(0, 3)).toBe('0%');
  });
  it('is not thrown off a step by float products', () => {
    expect(formatPercent(0.57, 1)).toBe('57.0%');
    expect(formatPercent(0.9993, 3)).toBe('99.930%');
    expect(formatPercent(0.999, 1)).toBe('99.9%');
  });
  it('rounds toward 50%: down above it, up below it', () => {
    expect(formatPercent(0.99987, 3)).toBe('99.987%');
    expect(formatPercent(0.99988, 2)).toBe('99.98%');
    expect(formatPercent(0.00123, 2)).toBe('0.13%');
  });
  it('shows a dash for a missing figure', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});

describe('formatDuration (panel and reports)', () => {
  it('writes two units, the second padded, truncated not rounded', () => {
    expect(formatDuration(3 * 3_600_000 + 4 * 60_000)).toBe('3 h 04 min');
    expect(formatDuration(725_000)).toBe('12 min 05 s');
    expect(formatDuration(59_600)).toBe('59 s');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
  });
  it('keeps a sub-second span in milliseconds, and nothing negative', () => {
    expect(formatDuration(480.7)).toBe('480 ms');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('formatAxisMs (panel and report axes)', () => {
  it('labels the 1-2-5 and linear ticks with no false precision', () => {
    expect([0.001, 0.005, 0.5, 2.5, 10, 1000].map(formatAxisMs)).toEqual([
      '0.001',
      '0.005',
      '0.5',
      '2.5',
      '10',
      '1,000',
    ]);
  });
});

describe('error budget text', () => {
  const count = (n: number) => String(n);
  it('says what is left, or by how much it was overspent, never a negative "left"', () => {
    expect(budgetLeftText({ allowed: 21, used: 5, remaining: 16 }, count)).toBe('16 left');
    expect(budgetLeftText({ allowed: 21, used: 89, remaining: -68 }, count)).toBe('over by 68');
    expect(budgetText({ allowed: 21, used: 89, remaining: -68 }, count)).toBe('89 used of 21 · over by 68');
  });
});

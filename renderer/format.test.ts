import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatBudget,
  formatAxisMs,
  formatCount,
  formatDuration,
  formatElapsed,
  formatExit,
  formatMb,
  formatMs,
  formatObjective,
  formatPercent,
  formatTargetMs,
  formatTimeTick,
  shortHash,
} from './format';

const NBSP = '\u00a0';

describe('formatMs', () => {
  it('keeps the precision that matters at each size', () => {
    expect(formatMs(0.0423)).toBe(`0.042${NBSP}ms`);
    expect(formatMs(4.2149)).toBe(`4.21${NBSP}ms`);
    expect(formatMs(42.16)).toBe(`42.2${NBSP}ms`);
    expect(formatMs(1240.4)).toBe(`1,240${NBSP}ms`);
    expect(formatMs(0)).toBe(`0${NBSP}ms`);
    expect(formatMs(3.5, false)).toBe('3.50');
  });
  it('shows a dash for missing values rather than a misleading zero', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(undefined)).toBe('—');
    expect(formatMs(Number.NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('never rounds a miss away: 99.999% is not 100%', () => {
    expect(formatPercent(0.99999)).toBe('99.99%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.9993)).toBe('99.93%');
  });
  it('never rounds a small bound down to zero', () => {
    expect(formatPercent(0.0000123, 3)).toBe('0.002%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('durations and times', () => {
  it('formats uptime at an operator’s precision', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(725_000)).toBe('12 min 05 s');
    expect(formatDuration(3 * 3_600_000 + 4 * 60_000)).toBe('3 h 04 min');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
    expect(formatDuration(-5)).toBe('0 s');
  });
  it('formats ages and waits', () => {
    expect(formatAge(400)).toBe('just now');
    expect(formatAge(25_000)).toBe('25 s ago');
    expect(formatAge(185_000)).toBe('3 min ago');
    expect(formatElapsed(842.4)).toBe(`842${NBSP}ms`);
    expect(formatElapsed(2412)).toBe(`2.41${NBSP}s`);
  });
  it('picks axis tick detail by span', () => {
    const t = new Date(2026, 10, 25, 14, 3, 5).getTime();
    expect(formatTimeTick(t, 300_000)).toBe('14:03:05');
    expect(formatTimeTick(t, 3_600_000)).toBe('14:03');
    expect(formatTimeTick(t, 7 * 86_400_000)).toBe('Wed 14:03');
  });
});

describe('other labels', () => {
  it('formats targets, axis values, counts, memory, objectives, hashes and exits', () => {
    expect(formatTargetMs(5)).toBe(`5${NBSP}ms`);
    expect(formatTargetMs(1000)).toBe(`1,000${NBSP}ms`);
    expect(formatAxisMs(2.5)).toBe('2.5');
    expect(formatAxisMs(0.005)).toBe('0.005');
    expect(formatCount(12345.4)).toBe('12,345');
    expect(formatMb(84.24)).toBe(`84.2${NBSP}MB`);
    expect(formatMb(2048)).toBe(`2.00${NBSP}GB`);
    expect(formatObjective(0.999)).toBe('99.9%');
    expect(formatObjective(0.99)).toBe('99%');
    expect(formatObjective(0.995)).toBe('99.5%');
    expect(shortHash('0'.repeat(58) + 'a3f29c')).toBe('00000000…a3f29c');
    expect(formatExit({ code: null, signal: 'SIGKILL' })).toBe('signal SIGKILL');
    expect(formatExit({ code: 1, signal: null })).toBe('code 1');
    expect(formatBudget({ allowed: 12, used: 3, remaining: 9 })).toBe('3 used of 12 · 9 left');
    expect(formatBudget({ allowed: 0, used: 4, remaining: -4 })).toBe('4 used of 0 · over by 4');
  });
});

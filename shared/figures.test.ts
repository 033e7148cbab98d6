import { describe, expect, it } from 'vitest';
import {
  compareRatio,
  countMisses,
  formatComparison,
  formatCoverage,
  formatMisses,
  improvementLine,
  probeLatenessNote,
  probeOwnTimeNote,
  ratio,
  sampleOutcome,
  windowCoverage,
} from './figures';
import { summarizeSla } from './verdict';

describe('misses: over target + errors + timeouts, errors broken out', () => {
  it('classifies each sample once', () => {
    expect(sampleOutcome(true, 5, 5, 1000)).toBe('within');
    expect(sampleOutcome(true, 5.001, 5, 1000)).toBe('over-target');
    expect(sampleOutcome(false, 0.4, 5, 1000)).toBe('error');
    expect(sampleOutcome(false, 0, 5, 1000)).toBe('error');
    expect(sampleOutcome(false, 1000, 5, 1000)).toBe('timeout');
  });

  it('a run with 68 slow, 2 errors and 1 timeout has 71 misses, and compliance agrees', () => {
    const samples: Array<[number, number, boolean]> = [];
    for (let i = 0; i < 2929; i++) samples.push([i, 1.2, true]);
    for (let i = 0; i < 68; i++) samples.push([i, 14.9, true]);
    samples.push([0, 0.3, false], [0, 2, false], [0, 1001.5, false]);
    const m = countMisses(samples, 5, 1000);
    expect(m).toEqual({ n: 3000, overTarget: 68, errors: 2, timeouts: 1, misses: 71 });
    expect(formatMisses(m)).toBe('71 of 3,000 (over target 68, errors 2, timeouts 1)');
    const sla = summarizeSla(m, { targetMs: 5, objective: 0.999 });
    expect(sla.compliance).toBeCloseTo(2929 / 3000, 12);
    expect(sla.errorBudget.used).toBe(71);
    expect(sla.verdict).toBe('below objective');
  });
});

describe('comparisons say lower or higher correctly', () => {
  it('a later tier that measured worse is "higher", never "0.8× lower"', () => {
    // The run: enterprise 1.36 ms average against free 1.05 ms.
    const r = ratio(1.05, 1.36);
    expect(compareRatio(r)?.direction).toBe('higher');
    expect(compareRatio(r)?.factor).toBeCloseTo(1.36 / 1.05, 12);
    expect(formatComparison(compareRatio(r))).toBe('1.3× higher');
    expect(formatComparison(compareRatio(ratio(11.86, 2.5)))).toBe('4.7× lower');
    expect(formatComparison(compareRatio(ratio(1, 1.02)))).toBe('about the same');
    expect(formatComparison(compareRatio(ratio(0, 1)))).toBe('—');
  });

  it('the summary line names each figure with its own direction', () => {
    const line = improvementLine({
      from: 'free',
      to: 'enterprise',
      mean: ratio(1.05, 1.36),
      p999: ratio(11.86, 14.98),
      max: ratio(40, 10),
    });
    expect(line).toBe('enterprise against free: average 1.3× higher, p99.9 1.3× higher, max 4.0× lower.');
  });
});

describe('probe lateness note', () => {
  it('names the probe when its p99 lateness reaches 1 ms, and is silent otherwise', () => {
    expect(probeLatenessNote({ n: 100, p50: 0.1, p99: 4.12, max: 9 })).toBe(
      'probe late by 4.1 ms p99 this window: the machine was busy (latency still counts from the intended send time)',
    );
    expect(probeLatenessNote({ n: 100, p50: 0.1, p99: 0.9, max: 9 })).toBeNull();
    expect(probeLatenessNote({ n: 0, p50: null, p99: null, max: null })).toBeNull();
    expect(probeLatenessNote(undefined)).toBeNull();
  });
});

describe('probe own-time note', () => {
  it('says how much of each figure may be the probe’s own, once a probe has measured it', () => {
    expect(probeOwnTimeNote({ n: 100, p50: 0.071, p99: 0.214, max: 1 })).toBe(
      "includes up to 0.07 ms (p50), 0.21 ms (p99) of the probe's own time",
    );
    expect(probeOwnTimeNote({ n: 0, p50: null, p99: null, max: null })).toBeNull();
    expect(probeOwnTimeNote(undefined)).toBeNull();
  });
});

describe('window coverage: samples over the schedule’s slots', () => {
  it('a 40 s window from ready, the first 3.3 s waiting for a block at 50 Hz, is 91.8% covered', () => {
    const since = 1_000_000; // measuring began (relay ready)
    const newest = since + 39_000; // the 40th whole second has closed
    const c = windowCoverage(1836, 50, 60_000, since, newest);
    expect(c).toEqual({ expected: 2000, share: 0.918 });
    expect(formatCoverage(1836, c)).toBe('covered 91.8% (1,836 of 2,000 slots)');
  });

  it('caps at the window’s span and at 1, and says nothing before a second has closed', () => {
    expect(windowCoverage(3000, 50, 60_000, 0, 3_600_000)).toEqual({ expected: 3000, share: 1 });
    expect(windowCoverage(3100, 50, 60_000, 0, 3_600_000).share).toBe(1);
    expect(windowCoverage(0, 50, 60_000, 0, null)).toEqual({ expected: 0, share: null });
    expect(windowCoverage(10, 10, Infinity, 500, 0).expected).toBe(10);
  });
});

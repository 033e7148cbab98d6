import { describe, expect, it } from 'vitest';
import { nowMs, wallClockAnchor, type AnchorClocks } from './clock';

/**
 * A machine whose true wall clock is `trueAnchor + mono`: Date.now() truncates it, and every read of
 * either clock takes `stepMs`, plus `stallMs` once, after `stallAfter` reads (a preemption).
 */
function fakeMachine(trueAnchor: number, stepMs: number, stall: { after: number; ms: number } | null = null) {
  let mono = 1234.5678;
  let reads = 0;
  const tick = () => {
    mono += stepMs;
    if (stall && ++reads === stall.after) mono += stall.ms;
    return mono;
  };
  const clocks: AnchorClocks = {
    mono: () => tick(),
    wall: () => Math.floor(trueAnchor + tick()),
  };
  return clocks;
}

describe('wallClockAnchor', () => {
  it('finds the wall time of the monotonic zero to within the time between two reads', () => {
    const trueAnchor = 1_796_600_000_000.4321;
    const anchor = wallClockAnchor(fakeMachine(trueAnchor, 0.0004))!;
    expect(Math.abs(anchor - trueAnchor)).toBeLessThan(0.002);
  });

  it('a preemption inside one sample widens that sample only: the others still pin the anchor', () => {
    const trueAnchor = 1_796_600_000_000.9;
    for (const after of [3, 10, 50, 500, 2000]) {
      const anchor = wallClockAnchor(fakeMachine(trueAnchor, 0.0004, { after, ms: 7.3 }))!;
      expect(Math.abs(anchor - trueAnchor), `stall after ${after} reads`).toBeLessThan(0.002);
    }
  });

  it('gives up within its budget when the wall clock never moves', () => {
    let mono = 0;
    const anchor = wallClockAnchor({ mono: () => (mono += 0.001), wall: () => 1_796_600_000_000 }, 5);
    expect(anchor).toBeNull();
    expect(mono).toBeLessThan(6);
  });

  it('a wall clock set back during sampling: the newest edge stands', () => {
    let mono = 0;
    let offset = 1_796_600_000_000.25;
    const clocks: AnchorClocks = {
      mono: () => (mono += 0.0004),
      wall: () => {
        mono += 0.0004;
        if (mono > 2.5 && offset > 1_796_600_000_000) offset -= 1000; // an NTP step, 1 s back
        return Math.floor(offset + mono);
      },
    };
    const anchor = wallClockAnchor(clocks)!;
    expect(Math.abs(anchor - offset)).toBeLessThan(0.002);
  });
});

describe('nowMs', () => {
  it('is the wall clock, to within a fraction of a ms of Date.now, and never runs backwards', () => {
    const readings = Array.from({ length: 1000 }, () => nowMs());
    for (let i = 1; i < readings.length; i++) expect(readings[i]!).toBeGreaterThanOrEqual(readings[i - 1]!);
    // At the instant Date.now() ticks to a new millisecond, nowMs() reads that millisecond plus the
    // time it took to notice: the least of many such readings is the clock's own offset.
    let offset = Infinity;
    for (let sample = 0; sample < 50; sample++) {
      const start = Date.now();
      let edge = start;
      while (edge === start) edge = Date.now();
      offset = Math.min(offset, nowMs() - edge);
    }
    expect(offset).toBeGreaterThan(-0.1);
    expect(offset).toBeLessThan(0.3);
  });
});

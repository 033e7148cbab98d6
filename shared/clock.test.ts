import { describe, expect, it } from 'vitest';
import { nowMs } from './clock';

describe('nowMs', () => {
  it('is the wall clock, to within a few ms of Date.now, and never runs backwards', () => {
    const before = Date.now();
    const readings = Array.from({ length: 1000 }, () => nowMs());
    const after = Date.now();
    // timeOrigin is fixed at start while Date follows clock adjustments; allow for some drift.
    expect(readings[0]!).toBeGreaterThan(before - 50);
    expect(readings.at(-1)!).toBeLessThan(after + 50);
    for (let i = 1; i < readings.length; i++) expect(readings[i]!).toBeGreaterThanOrEqual(readings[i - 1]!);
  });
});

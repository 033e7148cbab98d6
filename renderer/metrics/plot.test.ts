import { describe, expect, it } from 'vitest';
import { nearestIndex, seriesPath, tAt, xPx, yPx, type Plot } from './plot';

const plot: Plot = {
  left: 50,
  top: 10,
  width: 100,
  height: 100,
  x0: 0,
  x1: 10_000,
  y0: 0,
  y1: 10,
  log: false,
};

describe('plot mapping', () => {
  it('maps time left to right and values bottom to top', () => {
    expect(xPx(plot, 0)).toBe(50);
    expect(xPx(plot, 10_000)).toBe(150);
    expect(yPx(plot, 0)).toBe(110);
    expect(yPx(plot, 10)).toBe(10);
    expect(tAt(plot, 100)).toBe(5000);
  });
  it('maps logarithmically on a log axis', () => {
    const log = { ...plot, y0: 1, y1: 100, log: true };
    expect(yPx(log, 10)).toBeCloseTo(60);
    expect(yPx(log, 0)).toBe(110);
  });
});

describe('seriesPath', () => {
  it('lifts the pen over missing values', () => {
    const rows = [
      { t: 0, p50: 0, p99: 1, max: 2 },
      { t: 5000, p50: 5, p99: null, max: 2 },
      { t: 10_000, p50: 10, p99: 1, max: 2 },
    ];
    expect(seriesPath(rows, 'p50', plot)).toBe('M50,110L100,60L150,10');
    expect(seriesPath(rows, 'p99', plot)).toBe('M50,100l0,0M150,100l0,0');
  });
});

describe('nearestIndex', () => {
  const rows = [
    { t: 0, p50: 1, p99: 1, max: 1 },
    { t: 1000, p50: null, p99: null, max: null },
    { t: 2000, p50: 1, p99: 1, max: 1 },
  ];
  it('finds the closest second that has samples', () => {
    expect(nearestIndex(rows, 1900)).toBe(2);
    expect(nearestIndex(rows, 200)).toBe(0);
    expect(nearestIndex(rows, 99_000)).toBe(2);
    expect(nearestIndex([], 5)).toBe(-1);
  });
});

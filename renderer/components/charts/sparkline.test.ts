import { describe, expect, it } from 'vitest';
import { sparkPaths } from './Sparkline';

describe('sparkPaths', () => {
  it('draws a line and a closed area, with a gap where values are missing', () => {
    const { line, area } = sparkPaths([0, 10, null, 10], 30, 44, 10);
    expect(line).toBe('M0.0,44L10.0,2M30.0,2');
    expect(area).toBe('M0.0,44L10.0,2L10.0,44L0.0,44ZM30.0,2L30.0,44L30.0,44Z');
  });
  it('draws nothing without values or width', () => {
    expect(sparkPaths([], 100, 44, 1)).toEqual({ line: '', area: '' });
    expect(sparkPaths([1], 0, 44, 1)).toEqual({ line: '', area: '' });
  });
});

import { describe, expect, it } from 'vitest';
import { status } from '../test-support/fixtures';
import { isActive, noteTip } from './relay-store';

const withTip = (height: number) =>
  status({ upstream: { state: 'ready', peers: [], tip: { height, hash: 'ab'.repeat(32) } } });

describe('noteTip', () => {
  it('records when the tip height moves, not when it is first seen', () => {
    const first = noteTip(null, withTip(100), 1000);
    expect(first?.height).toBe(100);
    expect(Number.isNaN(first?.at)).toBe(true);
    expect(noteTip(first, withTip(100), 2000)).toBe(first);
    expect(noteTip(first, withTip(101), 3000)).toEqual({ height: 101, at: 3000 });
    expect(noteTip(first, status(), 4000)).toBe(first);
  });
});

describe('isActive', () => {
  it('treats stopped and crash-loop as inactive (Start enabled)', () => {
    expect(isActive(null)).toBe(false);
    expect(isActive(status({ state: 'stopped' }))).toBe(false);
    expect(isActive(status({ state: 'crash-loop' }))).toBe(false);
    expect(isActive(status({ state: 'backoff' }))).toBe(true);
    expect(isActive(status({ state: 'running' }))).toBe(true);
  });
});

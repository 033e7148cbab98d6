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

  it('ignores heights passed while catching up on headers: none of them just arrived', () => {
    const sync = {
      state: 'syncing' as const,
      height: 5000,
      targetHeight: 9000,
      progress: 0.55,
      headersPerSecond: 100_000,
      etaSeconds: 1,
    };
    const syncing = status({
      state: 'running',
      upstream: { state: 'ready', peers: [], tip: { height: 5000, hash: 'ab'.repeat(32) }, sync },
    });
    expect(noteTip(noteTip(null, withTip(100), 1000), syncing, 2000)).toBeNull();
    const caughtUp = noteTip(null, withTip(9000), 3000);
    expect(Number.isNaN(caughtUp?.at)).toBe(true);
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

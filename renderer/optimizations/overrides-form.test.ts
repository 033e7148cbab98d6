import { describe, expect, it } from 'vitest';
import {
  emptyDraft,
  fromOverrides,
  isDirty,
  overrideCount,
  tierDefault,
  toOverrides,
} from './overrides-form';

describe('toOverrides', () => {
  it('leaves empty fields to the tier and converts the rest', () => {
    const draft = {
      ...emptyDraft(),
      priority: 'high',
      gcPercent: '25',
      maxCpuCores: '2',
      lockOsThread: 'false',
    };
    expect(toOverrides(draft)).toEqual({
      ok: true,
      value: { priority: 'high', gcPercent: 25, maxCpuCores: 2, lockOsThread: false },
    });
    expect(toOverrides(emptyDraft())).toEqual({ ok: true, value: {} });
  });
  it('accepts GC off and a CPU list with spaces', () => {
    const result = toOverrides({ ...emptyDraft(), gcPercent: 'OFF', cpus: '2-3, 5' });
    expect(result).toEqual({ ok: true, value: { gcPercent: 'off', cpus: '2-3,5' } });
  });
  it('puts each problem at its own field, in words', () => {
    const result = toOverrides({ ...emptyDraft(), cpus: 'all', gcPercent: '5000', maxCpuCores: 'two' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.cpus).toBe('Must be a CPU list such as "2-3" or "0,2".');
    expect(result.errors.gcPercent).toBe('Must be at most 1000.');
    expect(result.errors.maxCpuCores).toBe('Enter a whole number.');
    expect(toOverrides({ ...emptyDraft(), gcPercent: '2.5' })).toEqual({
      ok: false,
      errors: { gcPercent: 'Enter a whole number from 1 to 1000, or off.' },
    });
    expect(toOverrides({ ...emptyDraft(), maxCpuCores: '0' })).toEqual({
      ok: false,
      errors: { maxCpuCores: 'Must be at least 1.' },
    });
  });
});

describe('draft round trip', () => {
  it('shows saved overrides and tells when edited', () => {
    const saved = { priority: 'highest' as const, realtime: true, gcPercent: 'off' as const };
    const draft = fromOverrides(saved);
    expect(draft.priority).toBe('highest');
    expect(draft.realtime).toBe('true');
    expect(draft.gcPercent).toBe('off');
    expect(isDirty(draft, saved)).toBe(false);
    expect(isDirty({ ...draft, cpus: '1' }, saved)).toBe(true);
    expect(overrideCount(saved)).toBe(3);
    expect(toOverrides(draft)).toEqual({ ok: true, value: saved });
  });
});

describe('tierDefault', () => {
  it('reads the tier table', () => {
    expect(tierDefault('free', 'priority')).toBe('normal');
    expect(tierDefault('enterprise', 'priority')).toBe('highest');
    expect(tierDefault('enterprise', 'realtime')).toBe('on');
    expect(tierDefault('turbo', 'gcPercent')).toBe('25');
    expect(tierDefault('free', 'gcPercent')).toBe('runtime default');
    expect(tierDefault('pro', 'preallocBuffers')).toBe('on');
    expect(tierDefault('pro', 'highPriority')).toBe('off');
  });
});

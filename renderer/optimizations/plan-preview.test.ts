import { describe, expect, it } from 'vitest';
import type { LaunchReport } from '../../shared/launch';
import { grantedCount, knobRows, previewRows } from './plan-preview';

const byName = (rows: ReturnType<typeof previewRows>) => Object.fromEntries(rows.map((r) => [r.name, r]));

describe('previewRows', () => {
  it('differs between free and enterprise where the tier table does', () => {
    const free = byName(previewRows('free'));
    const enterprise = byName(previewRows('enterprise'));
    expect(free.priority?.requested).toBe('normal');
    expect(enterprise.priority?.requested).toBe('highest');
    expect(enterprise.scheduling?.requested).toBe('SCHED_FIFO');
    expect(free.HIGH_PRIORITY?.requested).toBe('false');
    expect(enterprise.HIGH_PRIORITY?.requested).toBe('true');
    expect(enterprise.GC_PERCENT?.requested).toBe('25');
    expect(Object.keys(free)).toHaveLength(9);
  });
  it('shows an override with the tier default beside it', () => {
    const rows = byName(previewRows('turbo', { gcPercent: 'off', cpus: '2-3' }));
    expect(rows.GC_PERCENT).toMatchObject({ requested: 'off', tierDefault: '25', overridden: true });
    expect(rows.affinity).toMatchObject({
      requested: 'cpus 2-3',
      tierDefault: 'dedicated cores',
      overridden: true,
    });
    expect(rows.priority?.overridden).toBe(false);
  });
  it('layers the panel environment under saved overrides, each with its source', () => {
    const rows = byName(previewRows('pro', { gcPercent: 70 }, { gcPercent: 40, highPriority: true }));
    expect(rows.GC_PERCENT).toMatchObject({ requested: '70', source: 'override' });
    expect(rows.HIGH_PRIORITY).toMatchObject({
      requested: 'true',
      tierDefault: 'false',
      source: 'environment',
    });
    expect(rows.LOCK_OS_THREAD).toMatchObject({ requested: 'false', source: 'tier', overridden: false });
  });
});

describe('knobRows', () => {
  const report: LaunchReport = {
    tier: 'enterprise',
    platform: 'linux',
    argv: ['chrt', '-f', '10', 'node', 'relay.mjs'],
    readBackAt: 1,
    items: [
      {
        name: 'scheduling',
        appliedBy: 'os',
        requested: 'SCHED_FIFO 10',
        applied: 'SCHED_OTHER',
        granted: false,
        reason: 'needs CAP_SYS_NICE',
        tierDefault: 'SCHED_FIFO 10',
        overridden: false,
      },
    ],
  };
  it('uses the report for its own tier and a preview for any other', () => {
    expect(knobRows('enterprise', report, undefined)).toMatchObject({ source: 'report' });
    expect(knobRows('free', report, undefined).source).toBe('preview');
    expect(knobRows('free', null, undefined).rows).toHaveLength(9);
    expect(grantedCount(knobRows('enterprise', report, undefined).rows)).toEqual({ granted: 0, refused: 1 });
  });
});

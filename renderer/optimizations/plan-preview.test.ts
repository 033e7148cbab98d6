import { describe, expect, it } from 'vitest';
import { planLaunch, type LaunchReport, type TierOverrides } from '../../shared/launch';
import { linuxCaps, NO_LOWER_NICE } from '../../shared/launch/test-support/capabilities';
import { TIER_NAMES } from '../../shared/tiers';
import { ASSUMED_CAPABILITIES, grantedCount, knobRows, previewRows } from './plan-preview';

const byName = (rows: ReturnType<typeof previewRows>) => Object.fromEntries(rows.map((r) => [r.name, r]));

describe('previewRows', () => {
  it('differs between free and enterprise where the tier table does', () => {
    const free = byName(previewRows('free'));
    const enterprise = byName(previewRows('enterprise'));
    expect(free.priority?.requested).toBe('nice 0');
    expect(enterprise.priority?.requested).toBe('nice -15');
    expect(enterprise.scheduling?.requested).toBe('SCHED_FIFO 10');
    expect(free.HIGH_PRIORITY?.requested).toBe('false');
    expect(enterprise.HIGH_PRIORITY?.requested).toBe('true');
    expect(enterprise.GC_PERCENT?.requested).toBe('25');
    expect(Object.keys(free)).toHaveLength(11);
  });
  it('shows an override with the tier default beside it', () => {
    const rows = byName(previewRows('turbo', { gcPercent: 'off', cpus: '2-3' }));
    expect(rows.GC_PERCENT).toMatchObject({ requested: 'off', tierDefault: '25', overridden: true });
    expect(rows.affinity).toMatchObject({
      requested: 'cpus 2-3',
      tierDefault: 'cpus 2-3',
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

describe('previewRows is the launch planner’s output', () => {
  const cases: [string, TierOverrides, TierOverrides][] = [
    ['no overrides', {}, {}],
    ['saved overrides', { priority: 'high', cpus: '1', gcPercent: 'off', maxCpuCores: 3 }, {}],
    ['environment under saved', { lockOsThread: true }, { gcPercent: 40, realtime: true }],
  ];
  for (const tier of TIER_NAMES) {
    for (const [label, saved, environment] of cases) {
      for (const target of ['builtin', 'external'] as const) {
        it(`${tier}, ${label}, ${target}`, () => {
          const plan = planLaunch({
            tier,
            overrides: saved,
            environment,
            platform: 'linux',
            capabilities: ASSUMED_CAPABILITIES,
            target:
              target === 'builtin'
                ? { kind: 'builtin', execPath: '/x/electron', script: '/x/relay.mjs' }
                : { kind: 'external', path: '/x/sprint' },
            env: {},
          });
          const rows = previewRows(tier, saved, environment, { capabilities: null, target });
          expect(
            rows.map(({ name, requested, tierDefault, source }) => ({
              name,
              requested,
              tierDefault,
              source,
            })),
          ).toEqual(
            plan.requested.map(({ name, requested, tierDefault, source }) => ({
              name,
              requested,
              tierDefault,
              source,
            })),
          );
        });
      }
    }
  }
  it('says what this machine will refuse when the capabilities are its own', () => {
    const caps = linuxCaps(2, NO_LOWER_NICE);
    const rows = byName(previewRows('enterprise', {}, {}, { capabilities: caps, target: 'builtin' }));
    expect(rows.priority?.reason).toContain('needs CAP_SYS_NICE');
    expect(rows.affinity).toMatchObject({ requested: 'dedicated cores' });
    expect(rows.affinity?.reason).toContain('machine has 2 cores');
    // Assumed capabilities are not this machine's: no reason is claimed from them.
    expect(byName(previewRows('enterprise')).priority?.reason).toBeUndefined();
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
    expect(knobRows('free', report, undefined)).toMatchObject({ source: 'preview', assumed: true });
    expect(knobRows('free', null, undefined).rows).toHaveLength(11);
    expect(knobRows('free', null, undefined, undefined, 'external').rows).toHaveLength(13);
    const withCaps = { ...report, capabilities: linuxCaps(2, NO_LOWER_NICE) };
    const other = knobRows('pro', withCaps, undefined);
    expect(other).toMatchObject({ source: 'preview', assumed: false });
    expect(other.rows.find((row) => row.name === 'affinity')?.requested).toBe('none');
    expect(grantedCount(knobRows('enterprise', report, undefined).rows)).toEqual({ granted: 0, refused: 1 });
  });
});

describe('preview before any start', () => {
  it('plans with this machine’s capabilities when the panel gives them: never the assumed 4 CPUs on 2', () => {
    const cores = (rows: ReturnType<typeof knobRows>['rows']) =>
      rows.find((r) => r.name === 'MAX_CPU_CORES')?.requested;
    const assumed = knobRows('free', null, undefined);
    expect(assumed.assumed).toBe(true);
    const machine = { ...ASSUMED_CAPABILITIES, cpus: [0, 1] };
    const real = knobRows('free', null, undefined, undefined, 'builtin', machine);
    expect(real.assumed).toBe(false);
    expect(cores(assumed.rows)).toBe('4');
    expect(cores(real.rows)).toBe('2');
  });
});

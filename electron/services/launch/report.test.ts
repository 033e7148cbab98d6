import { describe, expect, it } from 'vitest';
import { LaunchReport } from '../../../shared/launch';
import { planLaunch } from '../../../shared/launch/plan';
import type { LaunchPlan } from '../../../shared/launch/plan-types';
import type { OsReadBack } from './readback';
import { buildLaunchReport, withProbeReadBack, type AppliedState } from './report';
import {
  linuxCaps,
  NO_LOWER_NICE,
  NO_TASKSET,
  windowsCaps,
} from '../../../shared/launch/test-support/capabilities';

const target = { kind: 'builtin', execPath: '/opt/electron', script: '/app/relay.mjs' } as const;
const linuxPlan = (tier: 'pro' | 'turbo' | 'enterprise', caps = linuxCaps(8)): LaunchPlan =>
  planLaunch({ tier, overrides: {}, platform: 'linux', capabilities: caps, target, env: {} });
const readBack = (values: OsReadBack['values']): AppliedState => ({
  readBack: { at: 1234, values },
  steps: [],
});
const byName = (report: LaunchReport, name: string) => report.items.find((i) => i.name === name);

describe('buildLaunchReport', () => {
  it('before read-back: argv, nulls, and only plan-time refusals', () => {
    const report = buildLaunchReport(linuxPlan('pro', linuxCaps(2, NO_LOWER_NICE)), null);
    expect(LaunchReport.parse(report)).toEqual(report);
    expect(report.argv).toEqual(['/opt/electron', '/app/relay.mjs']);
    expect(report.readBackAt).toBeNull();
    expect(byName(report, 'priority')).toEqual({
      name: 'priority',
      appliedBy: 'os',
      requested: 'nice -5',
      applied: null,
      granted: false,
      reason: 'needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)',
      tierDefault: 'nice -5',
      overridden: false,
      source: 'tier',
    });
    expect(report.items.filter((i) => !i.granted).map((i) => i.name)).toEqual(['priority']);
  });

  it('a read-back that differs: "requested X, OS applied Y"', () => {
    const report = buildLaunchReport(
      linuxPlan('pro'),
      readBack({ priority: 'nice 0', scheduling: 'normal', affinity: 'cpus 0-7' }),
    );
    expect(byName(report, 'priority')).toMatchObject({
      applied: 'nice 0',
      granted: false,
      reason: 'requested nice -5, OS applied nice 0',
    });
    // "none" is satisfied by whatever CPUs the process inherited.
    expect(byName(report, 'affinity')).toMatchObject({
      requested: 'none',
      applied: 'cpus 0-7',
      granted: true,
    });
    expect(report.readBackAt).toBe(1234);
  });

  it('a matching read-back is granted without a reason', () => {
    const report = buildLaunchReport(
      linuxPlan('enterprise'),
      readBack({ priority: 'nice -15', scheduling: 'SCHED_FIFO 10', affinity: 'cpus 4-7' }),
    );
    for (const name of ['priority', 'scheduling', 'affinity']) {
      expect(byName(report, name)).toMatchObject({ granted: true, reason: undefined });
    }
  });

  it('the plan-time reason wins over the read-back comparison', () => {
    const report = buildLaunchReport(linuxPlan('turbo', linuxCaps(2)), readBack({ affinity: 'cpus 0-1' }));
    expect(byName(report, 'affinity')).toMatchObject({
      requested: 'dedicated cores',
      applied: 'cpus 0-1',
      granted: false,
      reason: 'machine has 2 cores; dedicated cores need 4 or more',
    });
  });

  it('Windows: REALTIME silently became HIGH; a failed affinity step gives its reason', () => {
    const plan = planLaunch({
      tier: 'enterprise',
      overrides: {},
      platform: 'win32',
      capabilities: windowsCaps(8),
      target,
      env: {},
    });
    const report = buildLaunchReport(plan, {
      readBack: { at: 1, values: { priority: 'priority class HIGH', affinity: 'cpus 0-7' } },
      steps: [
        { name: 'priority', requested: 'priority class REALTIME', ok: true },
        {
          name: 'affinity',
          requested: 'cpus 4-7',
          ok: false,
          reason: 'ProcessorAffinity failed: Access is denied',
        },
      ],
    });
    expect(byName(report, 'priority')?.reason).toBe(
      'requested priority class REALTIME, OS applied priority class HIGH',
    );
    expect(byName(report, 'affinity')?.reason).toBe('ProcessorAffinity failed: Access is denied');
  });

  it("relay knobs come from /health, keyed by env name or contract key, with the relay's reason", () => {
    const report = buildLaunchReport(linuxPlan('turbo'), null, {
      GC_PERCENT: { requested: 25, applied: 25 },
      lockOsThread: { requested: true, applied: false, reason: 'Node has no OS-thread locking' },
      HIGH_PRIORITY: { requested: true, applied: false },
    });
    expect(byName(report, 'GC_PERCENT')).toMatchObject({ appliedBy: 'relay', applied: '25', granted: true });
    expect(byName(report, 'LOCK_OS_THREAD')).toMatchObject({
      applied: 'false',
      granted: false,
      reason: 'Node has no OS-thread locking',
    });
    expect(byName(report, 'HIGH_PRIORITY')?.reason).toBe('requested true, relay applied false');
    expect(byName(report, 'OPTIMIZE_SYSTEM')).toMatchObject({ applied: null, granted: true });
  });

  it("an external Go relay's runtime read-back is shown as applied; a default request is met by it", () => {
    const plan = planLaunch({
      tier: 'free',
      overrides: {},
      platform: 'linux',
      capabilities: linuxCaps(2),
      target: { kind: 'external', path: '/opt/sprint-relay' },
      env: {},
    });
    const report = buildLaunchReport(plan, null, {
      GOGC: { requested: null, applied: 100 },
      GOMAXPROCS: { requested: 2, applied: 1 },
    });
    expect(byName(report, 'GOGC')).toMatchObject({ requested: 'default', applied: '100', granted: true });
    expect(byName(report, 'GOMAXPROCS')).toMatchObject({
      requested: '2',
      applied: '1',
      granted: false,
      reason: 'requested 2, relay applied 1',
    });
  });
});

describe('withProbeReadBack', () => {
  const apart = (caps = linuxCaps(2)) =>
    buildLaunchReport(
      planLaunch({
        tier: 'enterprise',
        overrides: { cpus: '1', probeCpus: '0' },
        platform: caps.platform,
        capabilities: caps,
        target,
        env: {},
      }),
      readBack({ priority: 'nice -15', scheduling: 'SCHED_FIFO 10', affinity: 'cpus 1' }),
    );

  it('before the probe runs: requested, nothing applied yet, not refused', () => {
    expect(byName(apart(), 'probe-affinity')).toMatchObject({
      requested: 'cpus 0',
      applied: null,
      granted: true,
      overridden: true,
    });
  });

  it('the probe on the CPUs asked for: granted', () => {
    const report = withProbeReadBack(apart(), { affinity: 'cpus 0' });
    expect(LaunchReport.parse(report)).toEqual(report);
    expect(byName(report, 'probe-affinity')).toMatchObject({ applied: 'cpus 0', granted: true });
    expect(byName(report, 'probe-affinity')?.reason).toBeUndefined();
    // Only its own item changes.
    expect(byName(report, 'affinity')).toEqual(byName(apart(), 'affinity'));
  });

  it('elsewhere than asked, or not started: not granted, with the reason', () => {
    expect(byName(withProbeReadBack(apart(), { affinity: 'cpus 0-1' }), 'probe-affinity')).toMatchObject({
      applied: 'cpus 0-1',
      granted: false,
      reason: 'requested cpus 0, OS applied cpus 0-1',
    });
    const failed = withProbeReadBack(apart(), {
      failure:
        'the probe exited (code 1) before it ran: taskset: failed to set pid 0 affinity: Invalid argument',
    });
    expect(byName(failed, 'probe-affinity')).toMatchObject({
      applied: null,
      granted: false,
      reason: expect.stringMatching(/^the probe exited \(code 1\) before it ran: taskset: failed/),
    });
  });

  it('a placement the plan already refused keeps its reason beside what was read back', () => {
    const report = withProbeReadBack(apart(linuxCaps(2, NO_TASKSET)), { affinity: 'cpus 0-1' });
    expect(byName(report, 'probe-affinity')).toMatchObject({
      applied: 'cpus 0-1',
      granted: false,
      reason: 'taskset not found (install util-linux)',
    });
  });

  it('a probe following an unpinned relay asks for no CPUs, so any set satisfies it', () => {
    const report = withProbeReadBack(buildLaunchReport(linuxPlan('pro', linuxCaps(2)), null), {
      affinity: 'cpus 0-1',
    });
    expect(byName(report, 'probe-affinity')).toMatchObject({ requested: 'none', granted: true });
  });
});

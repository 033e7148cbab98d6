import { describe, expect, it } from 'vitest';
import { TIER_NAMES, TIERS, type TierName } from '../tiers';
import type { Capabilities } from './capabilities';
import { planLaunch } from './plan';
import { NICENESS } from './plan-os';
import type { LaunchPlan, PlanInput } from './plan-types';
import {
  linuxCaps,
  macCaps,
  NO_LOWER_NICE,
  NO_REALTIME,
  NO_TASKSET,
  windowsCaps,
} from './test-support/capabilities';

const BUILTIN = { kind: 'builtin', execPath: '/opt/electron', script: '/app/relay.mjs' } as const;

function plan(tier: TierName, capabilities: Capabilities, over: Partial<PlanInput> = {}): LaunchPlan {
  return planLaunch({
    tier,
    overrides: {},
    platform: capabilities.platform,
    capabilities,
    target: BUILTIN,
    env: { API_PORT: '8080' },
    ...over,
  });
}
const argv = (p: LaunchPlan) => [p.command, ...p.args];
const reasonOf = (p: LaunchPlan, name: string) => p.ungranted.find((u) => u.name === name)?.reason;
const item = (p: LaunchPlan, name: string) => p.requested.find((r) => r.name === name);

describe('Linux wrappers across tiers, capabilities and core counts', () => {
  const variants: [string, Partial<Capabilities>][] = [
    ['all granted', {}],
    ['no lower niceness', NO_LOWER_NICE],
    ['no real-time', NO_REALTIME],
    ['no taskset', NO_TASKSET],
  ];
  for (const tier of TIER_NAMES) {
    for (const [label, over] of variants) {
      for (const cores of [2, 8]) {
        it(`${tier}, ${label}, ${cores} cores`, () => {
          const caps = linuxCaps(cores, over);
          const p = plan(tier, caps);
          const spec = TIERS[tier];
          const nice = NICENESS[spec.priority];
          const args = argv(p);

          const wantsNice = nice !== 0;
          expect(args.includes('/usr/bin/nice')).toBe(wantsNice && caps.canLowerNiceness);
          expect(reasonOf(p, 'priority')).toBe(wantsNice ? caps.reasons.lowerNiceness : undefined);
          if (wantsNice && caps.canLowerNiceness) expect(args.slice(-4, -2)).toEqual(['-n', String(nice)]);
          expect(item(p, 'priority')?.requested).toBe(`nice ${nice}`);

          expect(args.includes('/usr/bin/chrt')).toBe(spec.realtime && caps.canRealtime);
          expect(reasonOf(p, 'scheduling')).toBe(spec.realtime ? caps.reasons.realtime : undefined);

          const pins = spec.dedicatedCores && cores >= 4;
          expect(args.includes('/usr/bin/taskset')).toBe(pins && caps.tools.taskset !== null);
          if (pins) {
            expect(item(p, 'affinity')?.requested).toBe('cpus 4-7');
            expect(reasonOf(p, 'affinity')).toBe(caps.reasons.taskset);
          } else if (spec.dedicatedCores) {
            expect(reasonOf(p, 'affinity')).toBe('machine has 2 cores; dedicated cores need 4 or more');
          } else {
            expect(item(p, 'affinity')?.requested).toBe('none');
          }
          // The relay always starts: the target is always the last two argv entries.
          expect(args.slice(-2)).toEqual(['/opt/electron', '/app/relay.mjs']);
          expect(p.postSpawn).toEqual([]);
        });
      }
    }
  }

  it('orders wrappers taskset → chrt → nice → target, exactly', () => {
    expect(argv(plan('enterprise', linuxCaps(8)))).toEqual([
      '/usr/bin/taskset', '-c', '4-7',
      '/usr/bin/chrt', '-f', '10',
      '/usr/bin/nice', '-n', '-15',
      '/opt/electron', '/app/relay.mjs',
    ]); // prettier-ignore
  });

  it('leaves the lower half of an odd core count to the panel', () => {
    expect(item(plan('turbo', linuxCaps(5)), 'affinity')?.requested).toBe('cpus 2-4');
  });

  it('pins within the CPUs the panel may use, not from CPU 0', () => {
    const caps = { ...linuxCaps(4), cpus: [8, 9, 10, 11] };
    expect(argv(plan('turbo', caps)).slice(0, 3)).toEqual(['/usr/bin/taskset', '-c', '10-11']);
  });

  it('adjusts nice relative to the niceness the child inherits', () => {
    const p = plan('pro', linuxCaps(2, { baseNice: 5 }));
    expect(argv(p).slice(0, 3)).toEqual(['/usr/bin/nice', '-n', '-10']);
    // Lowering the panel's own niceness back to 0 also needs the privilege.
    const refused = plan('free', linuxCaps(2, { ...NO_LOWER_NICE, baseNice: 5, niceFloor: 5 }));
    expect(argv(refused)[0]).toBe('/opt/electron');
    expect(reasonOf(refused, 'priority')).toBe('needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)');
  });

  it('clamps to a partial RLIMIT_NICE floor and says so', () => {
    const p = plan('turbo', linuxCaps(2, { niceFloor: -5 }));
    expect(argv(p).slice(0, 3)).toEqual(['/usr/bin/nice', '-n', '-5']);
    expect(item(p, 'priority')?.requested).toBe('nice -10');
    expect(reasonOf(p, 'priority')).toBe('lowest niceness allowed is -5; -10 needs CAP_SYS_NICE or root');
  });

  it('caps the SCHED_FIFO priority at RLIMIT_RTPRIO', () => {
    const p = plan('enterprise', linuxCaps(2, { rtPriorityMax: 5 }));
    expect(argv(p).slice(0, 3)).toEqual(['/usr/bin/chrt', '-f', '5']);
    expect(reasonOf(p, 'scheduling')).toBe('SCHED_FIFO priority is capped at 5 (RLIMIT_RTPRIO)');
  });
});

describe('Windows', () => {
  it.each([
    ['free', 0, 'NORMAL'],
    ['pro', -7, 'ABOVE_NORMAL'],
    ['turbo', -14, 'HIGH'],
    ['enterprise', -20, 'REALTIME'],
  ] as const)('%s: setPriority(%d) after spawn, no wrappers', (tier, value, name) => {
    const p = plan(tier, windowsCaps(2));
    expect(argv(p)).toEqual(['/opt/electron', '/app/relay.mjs']);
    expect(p.postSpawn[0]).toEqual({ kind: 'priority', value, requested: `priority class ${name}` });
    expect(item(p, 'priority')?.requested).toBe(`priority class ${name}`);
  });

  it('sets ProcessorAffinity for dedicated cores on 8 CPUs (mask of CPUs 4-7)', () => {
    const p = plan('turbo', windowsCaps(8));
    expect(p.postSpawn[1]).toEqual({
      kind: 'affinity',
      mask: String(0b11110000),
      powershell: 'C:\\ps.exe',
      requested: 'cpus 4-7',
    });
    expect(p.ungranted).toEqual([]);
  });

  it('refuses affinity without PowerShell, and real-time scheduling always (the class carries it)', () => {
    const p = plan('enterprise', windowsCaps(8, null));
    expect(p.postSpawn.map((s) => s.kind)).toEqual(['priority']);
    expect(reasonOf(p, 'affinity')).toBe('powershell not found (needed to set ProcessorAffinity)');
    expect(reasonOf(p, 'scheduling')).toMatch(/REALTIME_PRIORITY_CLASS/);
  });
});

describe('macOS', () => {
  it('as root: nice wrapper only; affinity not available', () => {
    const p = plan('turbo', macCaps(8, true));
    expect(argv(p)).toEqual(['/usr/bin/nice', '-n', '-10', '/opt/electron', '/app/relay.mjs']);
    expect(reasonOf(p, 'affinity')).toBe('not available on macOS');
  });

  it('without root: no wrapper, priority refused with the reason', () => {
    const p = plan('pro', macCaps(8, false));
    expect(argv(p)).toEqual(['/opt/electron', '/app/relay.mjs']);
    expect(reasonOf(p, 'priority')).toBe('needs root on macOS');
    expect(reasonOf(p, 'affinity')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { TierOverrides } from './schema';
import type { TierName } from '../tiers';
import { planLaunch } from './plan';
import { validateOverrides } from './plan-os';
import type { LaunchPlan, LaunchTarget } from './plan-types';
import { linuxCaps } from './test-support/capabilities';

const BUILTIN: LaunchTarget = { kind: 'builtin', execPath: '/opt/electron', script: '/app/relay.mjs' };
const EXTERNAL: LaunchTarget = { kind: 'external', path: '/opt/sprint/bitcoin-sprint' };

function plan(tier: TierName, overrides: TierOverrides = {}, target = BUILTIN, cores = 8): LaunchPlan {
  const capabilities = linuxCaps(cores);
  // Overrides reach the plan through the shared schema, as settings deliver them.
  const parsed = TierOverrides.parse(overrides);
  return planLaunch({
    tier,
    overrides: parsed,
    platform: 'linux',
    capabilities,
    target,
    env: { API_PORT: '9000', TIER: 'stale' },
  });
}
const item = (p: LaunchPlan, name: string) => p.requested.find((r) => r.name === name);
const reasonOf = (p: LaunchPlan, name: string) => p.ungranted.find((u) => u.name === name)?.reason;

describe('overrides', () => {
  it('win item by item and keep the tier default beside them', () => {
    const p = plan('pro', { priority: 'high', preallocBuffers: false });
    expect(item(p, 'priority')).toMatchObject({
      requested: 'nice -10',
      tierDefault: 'nice -5',
      overridden: true,
    });
    expect(item(p, 'PREALLOC_BUFFERS')).toMatchObject({
      requested: 'false',
      tierDefault: 'true',
      overridden: true,
    });
    expect(item(p, 'GC_PERCENT')).toMatchObject({ requested: '50', tierDefault: '50', overridden: false });
    expect(p.env.PREALLOC_BUFFERS).toBe('false');
    expect(p.args.slice(0, 2)).toEqual(['-n', '-10']);
  });

  it('turn real-time off for enterprise', () => {
    const p = plan('enterprise', { realtime: false });
    expect(p.args).not.toContain('/usr/bin/chrt');
    expect(item(p, 'scheduling')).toMatchObject({ requested: 'normal', tierDefault: 'SCHED_FIFO 10' });
  });

  it('pin explicitly even where the tier would not, in canonical form', () => {
    const p = plan('free', { cpus: '3,1,2' });
    expect([p.command, ...p.args.slice(0, 2)]).toEqual(['/usr/bin/taskset', '-c', '1-3']);
    expect(item(p, 'affinity')).toMatchObject({ requested: 'cpus 1-3', tierDefault: 'none' });
    expect(p.env.MAX_CPU_CORES).toBe('3');
  });

  it('pin on a 2-core machine when asked explicitly', () => {
    const p = plan('turbo', { cpus: '1' }, BUILTIN, 2);
    expect(p.args.slice(0, 2)).toEqual(['-c', '1']);
    expect(reasonOf(p, 'affinity')).toBeUndefined();
    expect(item(p, 'affinity')?.tierDefault).toBe('dedicated cores');
  });

  it('naming a CPU the machine lacks: not pinned, reason given, relay still starts', () => {
    const p = plan('turbo', { cpus: '1-2' }, BUILTIN, 2);
    expect(p.command).not.toBe('/usr/bin/taskset');
    expect(p.args.slice(-1)).toEqual(['/app/relay.mjs']);
    expect(reasonOf(p, 'affinity')).toBe('cpus override "1-2" names CPU 2; this machine has 0-1; not pinned');
    expect(validateOverrides({ cpus: '0,7' }, linuxCaps(4))).toEqual([
      'cpus override "0,7" names CPU 7; this machine has 0-3',
    ]);
    expect(validateOverrides({ cpus: '3-1' }, linuxCaps(4))[0]).toMatch(/runs backwards/);
    expect(validateOverrides({ cpus: '0-3' }, linuxCaps(4))).toEqual([]);
  });

  it('cap MAX_CPU_CORES at the CPUs the relay may run on', () => {
    const p = plan('turbo', { maxCpuCores: 16 }, EXTERNAL);
    expect(item(p, 'MAX_CPU_CORES')).toMatchObject({ requested: '16', tierDefault: '4' });
    expect(p.env.MAX_CPU_CORES).toBe('4');
    expect(p.env.GOMAXPROCS).toBe('4');
    expect(reasonOf(p, 'MAX_CPU_CORES')).toBe('the relay may run on 4 CPUs; capped');
  });

  it('gcPercent "off" reaches both relays; whether it can be honoured is the relay\'s to report', () => {
    const go = plan('pro', { gcPercent: 'off' }, EXTERNAL);
    expect([go.env.GC_PERCENT, go.env.GOGC]).toEqual(['off', 'off']);
    const node = plan('pro', { gcPercent: 'off' });
    expect(node.env.GC_PERCENT).toBe('off');
    expect(item(node, 'GC_PERCENT')).toMatchObject({ requested: 'off', tierDefault: '50', overridden: true });
    expect(reasonOf(node, 'GC_PERCENT')).toBeUndefined();
  });
});

describe('environment', () => {
  it('builtin: run as Node, watch the parent, knobs from the tier, plan keys win over the base', () => {
    const p = plan('turbo');
    expect(p.env).toMatchObject({
      API_PORT: '9000',
      TIER: 'turbo',
      ELECTRON_RUN_AS_NODE: '1',
      SPRINT_PARENT_WATCH: '1',
      LOG_FORMAT: 'json',
      GC_PERCENT: '25',
      MAX_CPU_CORES: '4',
      HIGH_PRIORITY: 'true',
      LOCK_OS_THREAD: 'true',
      PREALLOC_BUFFERS: 'true',
      OPTIMIZE_SYSTEM: 'true',
    });
    expect(p.env.GOGC).toBeUndefined();
    expect(p.env.GOMAXPROCS).toBeUndefined();
    expect(p.requested.map((r) => r.name)).not.toContain('GOGC');
  });

  it('external: spawned directly with GOGC and GOMAXPROCS, no Electron variables', () => {
    const p = plan('turbo', {}, EXTERNAL);
    expect(p.args.slice(-1)).toEqual(['/opt/sprint/bitcoin-sprint']);
    expect(p.execTarget).toBe('/opt/sprint/bitcoin-sprint');
    expect(p.env).toMatchObject({ GOGC: '25', GOMAXPROCS: '4', GC_PERCENT: '25' });
    expect(p.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(p.env.SPRINT_PARENT_WATCH).toBeUndefined();
  });

  it('enterprise turns Go GC off while GC_PERCENT keeps the tier value', () => {
    const p = plan('enterprise', {}, EXTERNAL);
    expect([p.env.GOGC, p.env.GC_PERCENT]).toEqual(['off', '25']);
    expect(item(p, 'GOGC')).toMatchObject({ requested: 'off', appliedBy: 'relay' });
  });

  it('free leaves GC to the runtime default: no variable rather than an empty one', () => {
    const p = plan('free', {}, EXTERNAL);
    expect('GC_PERCENT' in p.env).toBe(false);
    expect('GOGC' in p.env).toBe(false);
    expect(item(p, 'GC_PERCENT')?.requested).toBe('default');
    expect(p.env.HIGH_PRIORITY).toBe('false');
  });
});

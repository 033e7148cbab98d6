import { describe, expect, it } from 'vitest';
import type { TierName } from '../tiers';
import type { Capabilities } from './capabilities';
import { planLaunch } from './plan';
import { validateOverrides } from './plan-os';
import type { LaunchPlan, LaunchTarget } from './plan-types';
import { TierOverrides } from './schema';
import { linuxCaps, macCaps, NO_TASKSET, windowsCaps } from './test-support/capabilities';

/** The probe's placement (probeCpus) and our relay's V8 semi-space, as the launch plan decides them. */

const BUILTIN: LaunchTarget = { kind: 'builtin', execPath: '/opt/electron', script: '/app/relay.mjs' };
const EXTERNAL: LaunchTarget = { kind: 'external', path: '/opt/sprint/bitcoin-sprint' };

function plan(
  tier: TierName,
  overrides: TierOverrides,
  capabilities: Capabilities = linuxCaps(2),
  target: LaunchTarget = BUILTIN,
): LaunchPlan {
  return planLaunch({
    tier,
    overrides,
    platform: capabilities.platform,
    capabilities,
    target,
    env: {},
  });
}
const item = (p: LaunchPlan, name: string) => p.requested.find((r) => r.name === name);
const reasonOf = (p: LaunchPlan, name: string) => p.ungranted.find((u) => u.name === name)?.reason;

describe('the probe placement (probeCpus)', () => {
  it('without it, the probe runs under the relay’s own wrappers and asks for the relay’s CPUs', () => {
    const pinned = plan('enterprise', {}, linuxCaps(8));
    const argv = [pinned.command, ...pinned.args];
    expect(pinned.probePrefix).toEqual(argv.slice(0, argv.indexOf('/opt/electron')));
    expect(item(pinned, 'probe-affinity')).toMatchObject({ requested: 'cpus 4-7', overridden: false });
    const unpinned = plan('pro', {});
    expect(unpinned.probePrefix).toEqual(['/usr/bin/nice', '-n', '-5']);
    expect(item(unpinned, 'probe-affinity')).toMatchObject({ requested: 'none', tierDefault: 'none' });
  });

  it('pins the probe with taskset to its CPUs, keeping the relay’s scheduling and priority', () => {
    const p = plan('enterprise', { cpus: '1', probeCpus: '0' });
    expect([p.command, ...p.args]).toEqual([
      '/usr/bin/taskset', '-c', '1',
      '/usr/bin/chrt', '-f', '10',
      '/usr/bin/nice', '-n', '-15',
      '/opt/electron', '/app/relay.mjs',
    ]); // prettier-ignore
    expect(p.probePrefix).toEqual([
      '/usr/bin/taskset', '-c', '0',
      '/usr/bin/chrt', '-f', '10',
      '/usr/bin/nice', '-n', '-15',
    ]); // prettier-ignore
    expect(item(p, 'probe-affinity')).toMatchObject({
      requested: 'cpus 0',
      tierDefault: 'none',
      overridden: true,
      source: 'override',
    });
    expect(reasonOf(p, 'probe-affinity')).toBeUndefined();
  });

  it('writes the probe’s CPU list in the kernel’s notation, as it is read back', () => {
    const p = plan('free', { probeCpus: '3,0-1,2' }, linuxCaps(8));
    expect(p.probePrefix.slice(0, 3)).toEqual(['/usr/bin/taskset', '-c', '0-3']);
    expect(item(p, 'probe-affinity')?.requested).toBe('cpus 0-3');
  });

  it('naming a CPU the machine lacks: the probe is not pinned, with the reason; the relay still starts', () => {
    const p = plan('turbo', { probeCpus: '0,5' });
    expect(p.probePrefix).toEqual(['/usr/bin/nice', '-n', '-10']);
    expect(reasonOf(p, 'probe-affinity')).toBe(
      'probeCpus override "0,5" names CPU 5; this machine has 0-1; the probe is not pinned',
    );
    expect([p.command, ...p.args].slice(-2)).toEqual(['/opt/electron', '/app/relay.mjs']);
    expect(validateOverrides({ probeCpus: '2' }, linuxCaps(2))).toEqual([
      'probeCpus override "2" names CPU 2; this machine has 0-1',
    ]);
    expect(validateOverrides({ cpus: '1', probeCpus: '0' }, linuxCaps(2))).toEqual([]);
  });

  it('is refused with the reason where taskset is missing, and off Linux', () => {
    expect(reasonOf(plan('pro', { probeCpus: '0' }, linuxCaps(2, NO_TASKSET)), 'probe-affinity')).toBe(
      'taskset not found (install util-linux)',
    );
    for (const caps of [windowsCaps(4), macCaps(4, true)]) {
      const p = plan('pro', { probeCpus: '0' }, caps);
      expect(reasonOf(p, 'probe-affinity')).toBe('the probe is placed with taskset, on Linux only');
      expect(p.probePrefix.some((arg) => arg.includes('taskset'))).toBe(false);
    }
  });

  it('is a CPU list by the same rules as cpus, at the boundary', () => {
    for (const bad of ['', 'a', '1-', '3-1', '0,,1', '2000', 7]) {
      expect(TierOverrides.safeParse({ probeCpus: bad }).success, String(bad)).toBe(false);
    }
    expect(TierOverrides.safeParse({ probeCpus: '0,2-3' }).success).toBe(true);
  });
});

describe('the V8 semi-space (semiSpaceMiB)', () => {
  it('goes to our Node relay as V8 flags before the script, and in its environment for the report', () => {
    const p = plan('turbo', { semiSpaceMiB: 64 });
    expect(p.args.slice(-3)).toEqual([
      '--min-semi-space-size=64',
      '--max-semi-space-size=64',
      '/app/relay.mjs',
    ]);
    expect(p.env.V8_SEMI_SPACE_MIB).toBe('64');
    expect(item(p, 'V8_SEMI_SPACE_MIB')).toMatchObject({
      requested: '64',
      tierDefault: 'default',
      appliedBy: 'relay',
      source: 'override',
    });
    // The probe never gets the relay's V8 flags: they sit after the exec target, not in its wrappers.
    expect(p.probePrefix.join(' ')).not.toMatch(/semi-space/);
  });

  it('is left to V8 when no override sets it: no flag, no variable, shown as default', () => {
    const p = plan('enterprise', {}, linuxCaps(8));
    expect(p.args.join(' ')).not.toMatch(/semi-space/);
    expect(p.env.V8_SEMI_SPACE_MIB).toBeUndefined();
    expect(item(p, 'V8_SEMI_SPACE_MIB')).toMatchObject({ requested: 'default', overridden: false });
  });

  it('is never given to an external binary: unlisted, or refused with the reason when overridden', () => {
    const quiet = plan('pro', {}, linuxCaps(2), EXTERNAL);
    expect(item(quiet, 'V8_SEMI_SPACE_MIB')).toBeUndefined();
    const p = plan('pro', { semiSpaceMiB: 16 }, linuxCaps(2), EXTERNAL);
    expect([p.command, ...p.args].join(' ')).not.toMatch(/semi-space/);
    expect(p.env.V8_SEMI_SPACE_MIB).toBeUndefined();
    expect(item(p, 'V8_SEMI_SPACE_MIB')).toMatchObject({ requested: '16', overridden: true });
    expect(reasonOf(p, 'V8_SEMI_SPACE_MIB')).toBe(
      'applies to the built-in Node relay only (a V8 flag); an external binary is not given it',
    );
  });

  it('is bounded: a power of two from 1 to 256 MiB', () => {
    for (const bad of [0, -1, 3, 48, 512, 1.5, '16', 'large']) {
      const parsed = TierOverrides.safeParse({ semiSpaceMiB: bad });
      expect(parsed.success, String(bad)).toBe(false);
    }
    expect(TierOverrides.safeParse({ semiSpaceMiB: 48 }).error?.issues[0]?.message).toMatch(/power of two/);
    for (const good of [1, 2, 16, 64, 256]) {
      expect(TierOverrides.safeParse({ semiSpaceMiB: good }).success, String(good)).toBe(true);
    }
  });
});

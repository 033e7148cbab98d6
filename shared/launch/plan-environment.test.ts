import { describe, expect, it } from 'vitest';
import type { TierOverrides } from './schema';
import { parseEnvironmentOverrides } from '../profile-env';
import type { TierName } from '../tiers';
import { planLaunch } from './plan';
import type { LaunchTarget } from './plan-types';
import { linuxCaps } from './test-support/capabilities';

const EXTERNAL: LaunchTarget = { kind: 'external', path: '/opt/sprint/bitcoin-sprint' };

function plan(tier: TierName, saved: TierOverrides, panelEnv: Record<string, string>) {
  return planLaunch({
    tier,
    overrides: saved,
    environment: parseEnvironmentOverrides(panelEnv).values,
    platform: 'linux',
    capabilities: linuxCaps(8),
    target: EXTERNAL,
    // The panel's own environment is inherited as the base, as relay-launch passes it.
    env: { PATH: '/usr/bin', ...panelEnv },
  });
}
const item = (p: ReturnType<typeof plan>, name: string) => p.requested.find((r) => r.name === name);

describe('environment overrides in the launch plan', () => {
  it('override the tier default, marked as from the environment, GOGC and GOMAXPROCS following', () => {
    const p = plan('free', {}, { GC_PERCENT: '40', MAX_CPU_CORES: '2', HIGH_PRIORITY: '1' });
    expect(p.env).toMatchObject({ GC_PERCENT: '40', GOGC: '40', MAX_CPU_CORES: '2', GOMAXPROCS: '2' });
    expect(p.env.HIGH_PRIORITY).toBe('true');
    expect(item(p, 'GC_PERCENT')).toMatchObject({
      requested: '40',
      tierDefault: 'default',
      source: 'environment',
    });
    expect(item(p, 'GOMAXPROCS')).toMatchObject({ requested: '2', source: 'environment' });
    expect(item(p, 'LOCK_OS_THREAD')).toMatchObject({ requested: 'false', source: 'tier' });
    expect(item(p, 'priority')?.source).toBe('tier');
  });

  it('give way to a saved override', () => {
    const p = plan('pro', { gcPercent: 70 }, { GC_PERCENT: '40', PREALLOC_BUFFERS: 'false' });
    expect(p.env.GC_PERCENT).toBe('70');
    expect(item(p, 'GC_PERCENT')).toMatchObject({ requested: '70', tierDefault: '50', source: 'override' });
    expect(item(p, 'PREALLOC_BUFFERS')).toMatchObject({ requested: 'false', source: 'environment' });
  });

  it('never pass a refused value through to the relay', () => {
    const p = plan('free', {}, { GC_PERCENT: 'fast', HIGH_PRIORITY: 'maybe', GOGC: 'nonsense' });
    // The free tier leaves GC to the runtime default: the panel's raw values are dropped, not inherited.
    expect(p.env.GC_PERCENT).toBeUndefined();
    expect(p.env.GOGC).toBeUndefined();
    expect(p.env.HIGH_PRIORITY).toBe('false');
    expect(p.env.PATH).toBe('/usr/bin');
    expect(item(p, 'GC_PERCENT')?.source).toBe('tier');
  });
});

import { describe, expect, it } from 'vitest';
import { TIER_NAMES, TIERS } from '../tiers';
import { planLaunch } from './plan';
import { TierOverrides } from './schema';
import { linuxCaps } from './test-support/capabilities';

/** The launch plan never turns a Go collector off without a bound (issue 21). */

const plan = (tier: (typeof TIER_NAMES)[number], overrides: TierOverrides, kind: 'builtin' | 'external') =>
  planLaunch({
    tier,
    overrides,
    platform: 'linux',
    capabilities: linuxCaps(8),
    target:
      kind === 'external' ? { kind, path: '/x/sprint' } : { kind, execPath: '/x/e', script: '/x/r.mjs' },
    env: { GOMEMLIMIT: 'inherited-must-not-leak' },
  });

describe('GOGC=off always travels with GOMEMLIMIT', () => {
  const overrideSets: TierOverrides[] = [{}, { gcPercent: 'off' }, { gcPercent: 40 }, { memoryLimitMiB: 64 }];
  for (const tier of TIER_NAMES) {
    for (const overrides of overrideSets) {
      it(`${tier} with ${JSON.stringify(overrides)}`, () => {
        const env = plan(tier, overrides, 'external').env;
        const budget = overrides.memoryLimitMiB ?? TIERS[tier].knobs.memoryBudgetMiB;
        expect(env.GOMEMLIMIT).toBe(`${budget}MiB`);
        const off =
          overrides.gcPercent === 'off' || (overrides.gcPercent === undefined && TIERS[tier].knobs.gcOff);
        expect(env.GOGC === 'off').toBe(off);
      });
    }
  }

  it('enterprise asks a Go binary for GC off bounded by its budget, shown as requested', () => {
    const p = plan('enterprise', {}, 'external');
    expect(p.env).toMatchObject({ GOGC: 'off', GOMEMLIMIT: '64MiB' });
    expect(p.requested.find((i) => i.name === 'GOMEMLIMIT')).toMatchObject({
      requested: '64MiB',
      tierDefault: '64MiB',
      source: 'tier',
    });
  });

  it('never gives our Node relay GOMEMLIMIT, not even one inherited from the panel', () => {
    const p = plan('enterprise', { memoryLimitMiB: 512 }, 'builtin');
    expect(p.env.GOMEMLIMIT).toBeUndefined();
    expect(p.requested.map((i) => i.name)).not.toContain('GOMEMLIMIT');
    // The tier's "GC off" is Go's; our relay is given the tier's percentage, which V8 cannot apply.
    expect(p.env.GC_PERCENT).toBe('25');
    expect(plan('enterprise', { gcPercent: 'off' }, 'builtin').env.GC_PERCENT).toBe('off');
  });

  it('has no unlimited override: out-of-range budgets are refused at the boundary', () => {
    for (const bad of [0, 15, 1_048_577, 1.5, 'none', -1]) {
      expect(TierOverrides.safeParse({ memoryLimitMiB: bad }).success, String(bad)).toBe(false);
    }
    expect(TierOverrides.safeParse({ memoryLimitMiB: 16 }).success).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultSettings, Settings } from './settings';
import {
  activeProfile,
  overridesFromSeed,
  PROFILES_MAX,
  ProfileFile,
  SeedConfig,
  seedFromOverrides,
  SEED_OVERRIDE_KEYS,
} from './profile';
import { describeIssues } from './api';
import seedExample from '../test/fixtures/seed-config.json';
import { knobSources, layerOverrides, parseEnvironmentOverrides } from './profile-env';

/** The seed's own example (docs/performance/PERFORMANCE_OPTIMIZATIONS.md, "Configuration File"). */
const SEED_EXAMPLE = seedExample as SeedConfig;

const refusal = (value: unknown) => {
  const result = SeedConfig.safeParse(value);
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
};
const withKnob = (key: string, value: unknown) => ({
  ...SEED_EXAMPLE,
  performance_optimizations: { ...SEED_EXAMPLE.performance_optimizations, [key]: value },
});

describe('the seed configuration file', () => {
  it('converts the seed example to overrides and back to the same file', () => {
    const overrides = overridesFromSeed(SeedConfig.parse(SEED_EXAMPLE).performance_optimizations);
    expect(overrides).toEqual({
      gcPercent: 25,
      highPriority: true,
      lockOsThread: true,
      preallocBuffers: true,
      optimizeSystem: true,
    });
    expect(seedFromOverrides('enterprise', overrides)).toEqual(SEED_EXAMPLE);
  });

  it('maps -1 to GC off and a core count to a limit, and back', () => {
    const overrides = overridesFromSeed(
      SeedConfig.parse(withKnob('gc_percent', -1)).performance_optimizations,
    );
    expect(overrides.gcPercent).toBe('off');
    expect(seedFromOverrides('free', { maxCpuCores: 3 }).performance_optimizations).toMatchObject({
      gc_percent: 100,
      max_cpu_cores: 3,
      high_priority: false,
    });
    expect(seedFromOverrides('pro', {}).performance_optimizations.gc_percent).toBe(50);
  });

  it('refuses each bad file with the key path named', () => {
    expect(refusal(withKnob('gc_percent', 1001))).toBe(
      'performance_optimizations.gc_percent: must be between -1 and 1000',
    );
    expect(refusal(withKnob('gc_percent', -2))).toBe(
      'performance_optimizations.gc_percent: must be between -1 and 1000',
    );
    expect(refusal(withKnob('gc_percent', 0))).toMatch(/^performance_optimizations\.gc_percent: .*0 is not/);
    expect(refusal(withKnob('gc_percent', 2.5))).toMatch(/^performance_optimizations\.gc_percent: .*whole/);
    expect(refusal(withKnob('max_cpu_cores', 4096))).toMatch(/^performance_optimizations\.max_cpu_cores: /);
    expect(refusal(withKnob('high_priority', 'yes'))).toBe(
      'performance_optimizations.high_priority: must be true or false',
    );
    expect(refusal(withKnob('turbo_mode', true))).toMatch(/^performance_optimizations: .*turbo_mode/);
    expect(refusal({ ...SEED_EXAMPLE, tier: 'platinum' })).toMatch(/^tier: /);
    expect(refusal({ ...SEED_EXAMPLE, license: 'x' })).toMatch(/^\(root\): .*license/);
    expect(refusal({ tier: 'free' })).toMatch(/^performance_optimizations: /);
    const { optimize_system: _dropped, ...missing } = SEED_EXAMPLE.performance_optimizations;
    expect(refusal({ ...SEED_EXAMPLE, performance_optimizations: missing })).toMatch(
      'performance_optimizations.optimize_system: is required',
    );
  });

  it('names a profile file by its name, bounded and unambiguous', () => {
    expect(ProfileFile.safeParse({ ...SEED_EXAMPLE, name: 'eu-west prod' }).success).toBe(true);
    for (const name of ['', ' ', 'x'.repeat(65), '../etc', '-dash-first']) {
      const result = ProfileFile.safeParse({ ...SEED_EXAMPLE, name });
      expect(result.success, name).toBe(false);
      expect(describeIssues(result.error!)).toMatch(/^name: /);
    }
  });
});

describe('deployment profiles in settings', () => {
  it('start with development, staging and production as the seed describes', () => {
    const { list } = defaultSettings().profiles;
    expect(list.map((p) => [p.name, p.tier])).toEqual([
      ['development', 'free'],
      ['staging', 'pro'],
      ['production', 'enterprise'],
    ]);
  });

  it('are bounded in count and unique by name', () => {
    const many = Array.from({ length: PROFILES_MAX + 1 }, (_, i) => ({
      name: `p${i}`,
      tier: 'free',
      overrides: {},
    }));
    expect(describeIssues(Settings.safeParse({ profiles: { list: many } }).error!)).toMatch(
      /^profiles\.list: /,
    );
    const twice = [
      { name: 'Prod', tier: 'free', overrides: {} },
      { name: 'prod', tier: 'pro', overrides: {} },
    ];
    expect(Settings.safeParse({ profiles: { list: twice } }).success).toBe(false);
  });

  it('is active only while the tier and its overrides still match it', () => {
    const settings = { ...defaultSettings(), tier: 'enterprise' as const };
    settings.profiles = { ...settings.profiles, applied: 'production' };
    expect(activeProfile(settings)).toBe('production');
    expect(activeProfile({ ...settings, tier: 'free' })).toBeNull();
    expect(activeProfile({ ...settings, overrides: { enterprise: { gcPercent: 60 } } })).toBeNull();
    expect(activeProfile({ ...settings, overrides: { free: { gcPercent: 60 } } })).toBe('production');
  });
});

describe('environment overrides', () => {
  it('are validated like settings: applied with their value, or refused with the reason', () => {
    const env = parseEnvironmentOverrides({
      GC_PERCENT: '40',
      MAX_CPU_CORES: 'lots',
      HIGH_PRIORITY: 'TRUE',
      LOCK_OS_THREAD: 'maybe',
      PREALLOC_BUFFERS: '0',
      PATH: '/usr/bin',
    });
    expect(env.values).toEqual({ gcPercent: 40, highPriority: true, preallocBuffers: false });
    expect(env.entries).toEqual([
      { name: 'GC_PERCENT', raw: '40', status: 'applied', value: '40' },
      {
        name: 'MAX_CPU_CORES',
        raw: 'lots',
        status: 'refused',
        reason: 'MAX_CPU_CORES: must be a whole number between 0 and 1024',
      },
      { name: 'HIGH_PRIORITY', raw: 'TRUE', status: 'applied', value: 'true' },
      {
        name: 'LOCK_OS_THREAD',
        raw: 'maybe',
        status: 'refused',
        reason: 'LOCK_OS_THREAD: must be 1, true, 0 or false',
      },
      { name: 'PREALLOC_BUFFERS', raw: '0', status: 'applied', value: 'false' },
    ]);
    expect(parseEnvironmentOverrides({ GC_PERCENT: '0' }).entries[0]?.status).toBe('refused');
    expect(parseEnvironmentOverrides({ GC_PERCENT: 'off' }).values).toEqual({ gcPercent: 'off' });
    expect(parseEnvironmentOverrides({ MAX_CPU_CORES: '0' }).values).toEqual({});
    expect(parseEnvironmentOverrides({ GC_PERCENT: 'x'.repeat(500) }).entries[0]?.raw.length).toBeLessThan(
      70,
    );
  });

  it('rank below a saved override and above the tier default', () => {
    const environment = parseEnvironmentOverrides({
      GC_PERCENT: '40',
      HIGH_PRIORITY: 'true',
      LOCK_OS_THREAD: 'x',
    });
    expect(layerOverrides({ gcPercent: 70 }, environment.values)).toEqual({
      gcPercent: 70,
      highPriority: true,
    });
    const rows = knobSources('pro', { gcPercent: 70 }, environment);
    const row = (name: string) => rows.find((r) => r.name === name);
    expect(row('GC_PERCENT')).toMatchObject({
      tierDefault: '50',
      saved: '70',
      effective: '70',
      source: 'override',
    });
    expect(row('GC_PERCENT')?.environment).toMatchObject({ status: 'applied', value: '40' });
    expect(row('HIGH_PRIORITY')).toMatchObject({
      tierDefault: 'false',
      effective: 'true',
      source: 'environment',
    });
    expect(row('LOCK_OS_THREAD')).toMatchObject({ effective: 'false', source: 'tier' });
    expect(row('LOCK_OS_THREAD')?.environment).toMatchObject({ status: 'refused' });
    expect(row('MAX_CPU_CORES')).toMatchObject({
      tierDefault: 'auto-detect',
      environment: null,
      source: 'tier',
    });
  });
});

describe('SEED_OVERRIDE_KEYS', () => {
  it('are exactly the overrides a seed file sets (the profile service clears these on import)', () => {
    const set = overridesFromSeed({
      ...SeedConfig.parse(seedExample).performance_optimizations,
      max_cpu_cores: 2,
    });
    expect(Object.keys(set).sort()).toEqual([...SEED_OVERRIDE_KEYS].sort());
  });
});

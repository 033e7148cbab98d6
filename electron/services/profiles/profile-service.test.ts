import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type TierSwitch } from '../../../shared/api';
import { PROFILES_MAX, seedFromOverrides } from '../../../shared/profile';
import { parseEnvironmentOverrides } from '../../../shared/profile-env';
import type { TierName } from '../../../shared/tiers';
import seedExample from '../../../test/fixtures/seed-config.json';
import { SettingsStore } from '../settings/settings-store';
import { createProfileService, type ProfileService } from './profile-service';

let dir: string;
let store: SettingsStore;
let service: ProfileService;
let env: Record<string, string>;
const switches: TierName[] = [];

beforeEach(() => {
  store = new SettingsStore(
    path.join((dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-profiles-'))), 'settings.json'),
  );
  env = {};
  switches.length = 0;
  service = createProfileService({
    settings: store,
    // The relay is not running here: a switch only selects the tier, as RelayService does then.
    switchTier: async (tier) => {
      const from = store.get().tier;
      store.update({ tier });
      switches.push(tier);
      return { from, to: tier, durationMs: null, status: {} as TierSwitch['status'] };
    },
    environment: () => parseEnvironmentOverrides(env),
  });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fileBytes = () => readFileSync(store.filePath);
async function refused(text: string): Promise<string> {
  store.update({ tier: 'pro', overrides: { pro: { priority: 'high' } } });
  const before = fileBytes();
  const error = await service.importFile(text).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe('PROFILE_INVALID');
  // Nothing changed: the settings file is byte for byte what it was, and so is the store.
  expect(fileBytes().equals(before)).toBe(true);
  expect(store.get().tier).toBe('pro');
  expect(switches).toEqual([]);
  return (error as ApiError).message;
}

describe('seed configuration file', () => {
  it('imports the seed example to its tier and overrides and exports the same JSON back', async () => {
    store.update({ overrides: { enterprise: { realtime: false, gcPercent: 60 } } });
    const result = await service.importFile(JSON.stringify(seedExample));
    expect(result.kind).toBe('applied');
    expect(switches).toEqual(['enterprise']);
    expect(store.get().tier).toBe('enterprise');
    // The file's knobs replace the tier's (its values are enterprise's defaults, so none is an
    // override any more: the saved 60 is gone); its OS overrides (not in the seed's shape) are kept.
    expect(store.get().overrides.enterprise).toEqual({ realtime: false });
    const exported = service.exportFile();
    expect(JSON.parse(exported.text)).toEqual(seedExample);
    expect(exported.fileName).toBe('sprint-config_enterprise.json');
  });

  it('exports the environment under saved overrides for the tier in effect', () => {
    store.update({ tier: 'pro', overrides: { pro: { gcPercent: 70 } } });
    env = { GC_PERCENT: '40', MAX_CPU_CORES: '2', LOCK_OS_THREAD: 'nope' };
    expect(JSON.parse(service.exportFile().text)).toEqual({
      tier: 'pro',
      performance_optimizations: {
        gc_percent: 70,
        max_cpu_cores: 2,
        high_priority: false,
        lock_os_thread: false,
        prealloc_buffers: true,
        optimize_system: false,
      },
    });
  });

  it('refuses bad files with the key path named and changes nothing', async () => {
    const bad = (patch: Record<string, unknown>) =>
      JSON.stringify({
        ...seedExample,
        performance_optimizations: { ...seedExample.performance_optimizations, ...patch },
      });
    expect(await refused(bad({ gc_percent: 5000 }))).toBe(
      'Configuration file refused: performance_optimizations.gc_percent: must be between -1 and 1000',
    );
    expect(await refused(bad({ max_cpu_cores: '4' }))).toMatch(/performance_optimizations\.max_cpu_cores: /);
    expect(await refused(bad({ numa: true }))).toMatch(/performance_optimizations: .*numa/);
    expect(await refused(JSON.stringify({ ...seedExample, tier: 'gold' }))).toMatch(/refused: tier: /);
    expect(await refused('{"tier": "free",')).toMatch(/^Not a JSON file: /);
    expect(await refused('[]')).toMatch(/refused: \(root\): /);
    expect(await refused(JSON.stringify({ ...seedExample, name: '' }))).toMatch(
      /^Profile file refused: name: /,
    );
  });
});

describe('deployment profiles', () => {
  it('applies production in one call and shows it active until something else changes', async () => {
    const result = await service.apply('production');
    expect(result.switch.to).toBe('enterprise');
    expect(result.state.active).toBe('production');
    expect(store.get().tier).toBe('enterprise');
    store.update({ tier: 'free' });
    expect(service.state().active).toBeNull();
  });

  it('saves, renames, exports and imports a profile, round trip', async () => {
    store.update({ tier: 'turbo', overrides: { turbo: { gcPercent: 'off', maxCpuCores: 2 } } });
    expect(service.save('low latency').active).toBe('low latency');
    expect(service.rename('low latency', 'edge').active).toBe('edge');
    const exported = service.exportFile('edge');
    expect(exported.fileName).toBe('sprint-profile_edge.json');
    expect(JSON.parse(exported.text)).toMatchObject({
      name: 'edge',
      tier: 'turbo',
      performance_optimizations: { gc_percent: -1, max_cpu_cores: 2 },
    });
    service.remove('edge');
    expect(service.state().profiles.map((p) => p.name)).not.toContain('edge');
    const imported = await service.importFile(exported.text);
    expect(imported.kind).toBe('saved');
    expect(switches).toEqual([]);
    const edge = service.state().profiles.find((p) => p.name === 'edge');
    expect(edge).toMatchObject({ tier: 'turbo', overrides: { gcPercent: 'off', maxCpuCores: 2 } });
    // Importing again replaces it rather than adding a second "edge".
    const again = await service.importFile(exported.text);
    expect(again.kind === 'saved' && again.replaced).toBe(true);
    expect(service.state().profiles.filter((p) => p.name === 'edge')).toHaveLength(1);
  });

  it('refuses a rename onto another name, unknown names, and more than the limit', async () => {
    expect(() => service.rename('staging', 'PRODUCTION')).toThrow(/already exists/);
    expect(() => service.remove('nope')).toThrow(/No profile named "nope"/);
    await expect(service.apply('nope')).rejects.toThrow(/No profile named/);
    for (let i = service.state().profiles.length; i < PROFILES_MAX; i++) service.save(`p${i}`);
    const before = fileBytes();
    expect(() => service.save('one too many')).toThrow(`At most ${PROFILES_MAX} profiles`);
    expect(fileBytes().equals(before)).toBe(true);
    // Saving under a name that exists replaces it only when asked to.
    expect(() => service.save('P3')).toThrow(/A profile named "p3" already exists/);
    expect(service.save('p3', true).profiles).toHaveLength(PROFILES_MAX);
  });

  it('importing a seed file whose values equal the tier defaults marks no knob overridden', async () => {
    for (const tier of ['free', 'pro', 'enterprise'] as const) {
      await service.importFile(JSON.stringify(seedFromOverrides(tier, {})));
      expect(store.get().tier).toBe(tier);
      expect(store.get().overrides[tier] ?? {}).toEqual({});
    }
    // A value that differs stays an override, alone.
    const seed = seedFromOverrides('enterprise', {});
    await service.importFile(
      JSON.stringify({
        ...seed,
        performance_optimizations: { ...seed.performance_optimizations, gc_percent: 40 },
      }),
    );
    expect(store.get().overrides.enterprise).toEqual({ gcPercent: 40 });
  });

  it('never silently replaces the built-in "production" with "Production"', () => {
    expect(() => service.save('Production')).toThrow(
      'A profile named "production" already exists (names are compared ignoring case and look-alike letters). Choose another name, or replace "production".',
    );
    expect(service.state().profiles.find((p) => p.name === 'production')?.tier).toBe('enterprise');
  });
});

describe('odd files and lookalike names', () => {
  it('imports a file saved with a byte order mark (Notepad)', async () => {
    const result = await service.importFile(`\uFEFF${JSON.stringify(seedExample)}`);
    expect(result.kind).toBe('applied');
  });

  it('a name with a Cyrillic о (or a fullwidth letter) is the same name, not a second profile', () => {
    const lookalike = 'pr\u043Eduction'; // Cyrillic small o
    expect(lookalike).not.toBe('production');
    service.save('mine');
    expect(() => service.rename('mine', lookalike)).toThrow(/A profile named "production" already exists/);
    expect(() => service.rename('mine', '\uFF50roduction')).toThrow(/already exists/); // fullwidth p
    const before = service.state().profiles.length;
    expect(() => service.save(lookalike)).toThrow(/A profile named "production" already exists/);
    service.save(lookalike, true); // replacing, as the user confirmed
    const names = service.state().profiles.map((p) => p.name);
    expect(names).toHaveLength(before);
    expect(names.filter((n) => n === lookalike || n === 'production')).toHaveLength(1);
  });
});

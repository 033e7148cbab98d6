import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import type { ProfileState } from '../../shared/profile-api';
import { defaultSettings } from '../../shared/settings';
import { fakeApi } from '../test-support/fake-api';
import { createProfileStore } from './profile-store';

const state = (active: string | null): ProfileState => ({
  tier: 'enterprise',
  profiles: defaultSettings().profiles.list,
  active,
  environment: { values: {}, entries: [] },
});

describe('profile store', () => {
  it('loads on connect and reloads on every settings change (the active profile follows)', async () => {
    let active: string | null = null;
    const fake = fakeApi({ 'profile.state': () => state(active) });
    const store = createProfileStore(fake.api);
    fake.connect();
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().state?.active).toBeNull();
    active = 'production';
    fake.emit('settings.changed', defaultSettings());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().state?.active).toBe('production');
  });

  it("shows the panel's refusal of an import where the user acted, and nothing else changes", async () => {
    const fake = fakeApi({
      'profile.state': () => state(null),
      'profile.import': () => {
        throw new ApiError(
          'PROFILE_INVALID',
          'Configuration file refused: performance_optimizations.gc_percent: must be between -1 and 1000',
        );
      },
    });
    const store = createProfileStore(fake.api);
    await store.getState().importText('{}');
    expect(store.getState().outcome).toEqual({
      kind: 'error',
      message:
        'Configuration file refused: performance_optimizations.gc_percent: must be between -1 and 1000',
    });
    expect(store.getState().busy).toBe(false);
    expect(fake.calls.map((c) => c.method)).toEqual(['profile.import', 'profile.state']);
  });

  it('returns the exported file for the download', async () => {
    const text = '{"tier":"pro"}\n';
    const fake = fakeApi({
      'profile.state': () => state(null),
      'profile.export': () => ({
        fileName: 'sprint-config_pro.json',
        text,
        file: SeedLike,
      }),
    });
    const store = createProfileStore(fake.api);
    expect((await store.getState().exportFile())?.text).toBe(text);
    expect(store.getState().outcome).toEqual({ kind: 'ok', message: 'Exported sprint-config_pro.json.' });
  });
});

const SeedLike = {
  tier: 'pro' as const,
  performance_optimizations: {
    gc_percent: 50,
    max_cpu_cores: 0,
    high_priority: false,
    lock_os_thread: false,
    prealloc_buffers: true,
    optimize_system: false,
  },
};

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { defaultSettings } from '../../shared/settings';
import { fakeApi } from '../test-support/fake-api';
import { status } from '../test-support/fixtures';
import { createRelayStore } from './relay-store';
import { createSettingsStore } from './settings-store';
import { createTierStore } from './tier-store';

describe('tier store', () => {
  it('switches, keeps the measured duration, and hands the status on', async () => {
    const received: string[] = [];
    const { api } = fakeApi({
      'tier.set': ({ tier }) => ({ from: 'free', to: tier, durationMs: 812, status: status({ tier }) }),
    });
    const store = createTierStore(api, (s) => received.push(s.tier));
    const pending = store.getState().switchTo('enterprise');
    expect(store.getState().switching).toBe('enterprise');
    await pending;
    expect(store.getState()).toMatchObject({ switching: null, last: { to: 'enterprise', durationMs: 812 } });
    expect(received).toEqual(['enterprise']);
  });
  it('keeps the error with the tier that failed', async () => {
    const { api } = fakeApi({
      'tier.set': () => {
        throw new ApiError('BUSY', 'A relay action is already running; try again when it finishes.');
      },
    });
    const store = createTierStore(api, () => undefined);
    await store.getState().switchTo('turbo');
    expect(store.getState().error).toEqual({
      tier: 'turbo',
      message: 'A relay action is already running; try again when it finishes.',
    });
  });
});

describe('relay store', () => {
  it('loads the status on connect, follows events and reports a failed start by action', async () => {
    const fake = fakeApi({
      'relay.status': () => status({ state: 'stopped', pid: null }),
      'relay.start': () => {
        throw new ApiError('RELAY_BINARY_MISSING', 'The relay binary is missing; reinstall or set its path.');
      },
    });
    const store = createRelayStore(fake.api);
    fake.connect();
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState()).toMatchObject({ connected: true, status: { state: 'stopped' } });
    fake.emit('relay.state', status({ state: 'running' }));
    expect(store.getState().status?.state).toBe('running');
    await store.getState().run('start');
    expect(store.getState().actionError).toEqual({
      action: 'start',
      message: 'The relay binary is missing; reinstall or set its path.',
    });
    expect(store.getState().pending).toBeNull();
  });
});

describe('settings store', () => {
  it('returns field errors from a refused save and keeps the saved settings', async () => {
    const saved = defaultSettings();
    const { api } = fakeApi({
      'settings.get': () => saved,
      'settings.set': () => {
        throw new ApiError('SETTINGS_INVALID', 'Settings not saved: probe.rateHz: Too big');
      },
    });
    const store = createSettingsStore(api);
    await store.getState().load();
    const result = await store.getState().save({ probe: { rateHz: 500 } });
    expect(result).toEqual({
      ok: false,
      message: 'Settings not saved: probe.rateHz: Too big',
      fieldErrors: { 'probe.rateHz': 'Too big' },
    });
    expect(store.getState().settings).toBe(saved);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import type { FleetSnapshot } from '../../shared/fleet';
import { fakeApi } from '../test-support/fake-api';
import { status } from '../test-support/fixtures';
import { createFleetStore } from './fleet-store';

const snapshot = (window: FleetSnapshot['window']): FleetSnapshot => ({
  window,
  at: 1,
  rows: [],
  entries: [],
  prometheus: null,
  tokenStorage: 'plain file',
});

describe('fleet store', () => {
  it('lists for the chosen window and keeps an add refusal to show under the form', async () => {
    const { api, calls } = fakeApi({
      'fleet.list': (params) => snapshot(params?.window ?? '1h'),
      'fleet.add': () => {
        throw new ApiError('UNAUTHORIZED', 'The panel at http://x refused the token (401 Unauthorized).');
      },
    });
    const store = createFleetStore(api);
    store.getState().setWindow('6h');
    await store.getState().refresh();
    expect(store.getState().snapshot?.window).toBe('6h');
    expect(await store.getState().add({ kind: 'panel', url: 'http://x', token: 'wrong-token' })).toBe(false);
    expect(store.getState().addError).toMatch(/refused the token/);
    expect(
      calls
        .filter((c) => c.method === 'fleet.list')
        .every((c) => (c.params as { window: string }).window === '6h'),
    ).toBe(true);
  });

  it('reports a remote tier switch per row, and its failure on that row only', async () => {
    let fail = false;
    const { api } = fakeApi({
      'fleet.list': () => snapshot('1h'),
      'fleet.remote.setTier': ({ tier }) => {
        if (fail)
          throw new ApiError('UNREACHABLE', 'No API connection to the panel at http://y within 5000 ms.');
        return { from: 'free', to: tier, durationMs: 420.4, status: status({ tier }) };
      },
    });
    const store = createFleetStore(api);
    const pending = store.getState().setRemoteTier('a1', 'turbo');
    expect(store.getState().actions.a1?.busy).toBe('Switching to turbo…');
    await pending;
    expect(store.getState().actions.a1).toMatchObject({
      busy: null,
      message: 'Switched free → turbo (ready in 420 ms).',
    });
    fail = true;
    await store.getState().setRemoteTier('b2', 'pro');
    expect(store.getState().actions.b2?.error).toMatch(/No API connection/);
    expect(store.getState().actions.a1?.error).toBeNull();
  });
});

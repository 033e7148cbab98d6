import { create } from 'zustand';
import { ApiError } from '../../shared/api';
import type { RelayStatus } from '../../shared/relay-status';
import type { ApiClient } from '../api/client';

export type RelayAction = 'start' | 'stop' | 'restart';

export interface RelayStoreState {
  connected: boolean;
  status: RelayStatus | null;
  /** The action in flight, so its button can show progress and the others wait. */
  pending: RelayAction | null;
  /** The last failed action's message, shown beside the buttons that caused it. */
  actionError: string | null;
  run(action: RelayAction): Promise<void>;
  dismissError(): void;
}

const METHOD = { start: 'relay.start', stop: 'relay.stop', restart: 'relay.restart' } as const;

/** Live relay state, fed by relay.state events; actions go through the typed API. */
export function createRelayStore(api: ApiClient) {
  const store = create<RelayStoreState>((set, get) => ({
    connected: false,
    status: null,
    pending: null,
    actionError: null,
    async run(action) {
      if (get().pending) return;
      set({ pending: action, actionError: null });
      try {
        const status = await api.call(METHOD[action], {});
        set({ status });
      } catch (error) {
        set({ actionError: error instanceof ApiError ? error.message : String(error) });
      } finally {
        set({ pending: null });
      }
    },
    dismissError: () => set({ actionError: null }),
  }));

  api.on('relay.state', (status) => store.setState({ status }));
  api.onConnection((connected) => {
    store.setState({ connected });
    // Events only carry changes: fetch the whole state on every (re)connect.
    if (connected) {
      api
        .call('relay.status', {})
        .then((status) => store.setState({ status }))
        .catch(() => undefined);
    }
  });
  return store;
}

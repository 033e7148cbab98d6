import { create } from 'zustand';
import { type RelayStatus, syncingOf } from '../../shared/relay-status';
import type { ApiClient } from '../api/client';
import { errorText } from '../lib/error-text';

export type RelayAction = 'start' | 'stop' | 'restart';

/** The upstream tip as last seen, and when its height last changed (for "last block" age). */
export interface TipSeen {
  height: number;
  at: number;
}

export interface RelayStoreState {
  connected: boolean;
  status: RelayStatus | null;
  /** The action in flight, so its button can show progress and the others wait. */
  pending: RelayAction | null;
  /** The last failed action's message, shown beside the buttons that caused it. */
  actionError: { action: RelayAction; message: string } | null;
  tip: TipSeen | null;
  run(action: RelayAction): Promise<void>;
  dismissError(): void;
  /** A status from elsewhere (a tier switch's result). */
  receive(status: RelayStatus): void;
}

const METHOD = { start: 'relay.start', stop: 'relay.stop', restart: 'relay.restart' } as const;

/** Tracks when the tip height last moved; the first sighting has no known arrival time. */
export function noteTip(previous: TipSeen | null, status: RelayStatus | null, now: number): TipSeen | null {
  // Catching up moves the tip through history: none of those heights is a block that just arrived.
  if (syncingOf(status)) return null;
  const height = status?.upstream?.tip?.height;
  if (height == null) return previous;
  if (previous && previous.height === height) return previous;
  return { height, at: previous ? now : Number.NaN };
}

/** True while a relay process exists or is being brought up (Start makes no sense then). */
export function isActive(status: RelayStatus | null): boolean {
  return status !== null && status.state !== 'stopped' && status.state !== 'crash-loop';
}

/** Live relay state, fed by relay.state events; actions go through the typed API. */
export function createRelayStore(api: ApiClient) {
  const store = create<RelayStoreState>((set, get) => ({
    connected: false,
    status: null,
    pending: null,
    actionError: null,
    tip: null,
    async run(action) {
      if (get().pending) return;
      set({ pending: action, actionError: null });
      try {
        setStatus(await api.call(METHOD[action], {}));
      } catch (error) {
        set({ actionError: { action, message: errorText(error) } });
      } finally {
        set({ pending: null });
      }
    },
    dismissError: () => set({ actionError: null }),
    receive: (status) => setStatus(status),
  }));

  const setStatus = (status: RelayStatus) =>
    store.setState((state) => ({ status, tip: noteTip(state.tip, status, Date.now()) }));

  api.on('relay.state', setStatus);
  api.onConnection((connected) => {
    store.setState({ connected });
    // Events only carry changes: fetch the whole state on every (re)connect.
    if (connected) {
      api
        .call('relay.status', {})
        .then(setStatus)
        .catch(() => undefined);
    }
  });
  return store;
}

import { create } from 'zustand';
import type { ProfileExportResult, ProfileState } from '../../shared/profile-api';
import type { ApiClient } from '../api/client';
import { errorText } from '../lib/error-text';

/** What the last action did, shown where the user acted ("Imported…", or the refusal). */
export type ProfileOutcome = { kind: 'ok'; message: string } | { kind: 'error'; message: string } | null;

export interface ProfileStoreState {
  state: ProfileState | null;
  busy: boolean;
  outcome: ProfileOutcome;
  load(): Promise<void>;
  importText(text: string): Promise<void>;
  exportFile(name?: string): Promise<ProfileExportResult | null>;
  apply(name: string): Promise<void>;
  /** `replace`: the user confirmed replacing the profile of the same name (ignoring case). */
  save(name: string, replace?: boolean): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(name: string): Promise<void>;
  dismiss(): void;
}

/** Deployment profiles, the seed configuration file and the environment, over profile.* commands. */
export function createProfileStore(api: ApiClient) {
  const store = create<ProfileStoreState>((set, get) => {
    /** Runs one action; a refusal becomes the outcome, and the state is reloaded either way. */
    const act = async <T>(work: () => Promise<T>, success: (value: T) => string): Promise<T | null> => {
      if (get().busy) return null;
      set({ busy: true, outcome: null });
      try {
        const value = await work();
        set({ outcome: { kind: 'ok', message: success(value) } });
        return value;
      } catch (error) {
        set({ outcome: { kind: 'error', message: errorText(error) } });
        return null;
      } finally {
        set({ busy: false });
        await get().load();
      }
    };
    return {
      state: null,
      busy: false,
      outcome: null,
      async load() {
        try {
          set({ state: await api.call('profile.state', {}) });
        } catch {
          // Shown as "loading" until the next settings change or reconnect brings it.
        }
      },
      async importText(text) {
        await act(
          () => api.call('profile.import', { text }),
          (result) =>
            result.kind === 'applied'
              ? `Imported: ${result.config.tier} tier with the file's overrides is now in effect.`
              : `Saved profile "${result.profile.name}"${result.replaced ? ' (replaced the old one)' : ''}.`,
        );
      },
      exportFile: (name) =>
        act(
          () => api.call('profile.export', name === undefined ? {} : { name }),
          (result) => `Exported ${result.fileName}.`,
        ),
      async apply(name) {
        await act(
          () => api.call('profile.apply', { name }),
          (result) =>
            result.switch.durationMs === null
              ? `Applied "${name}": ${result.switch.to} tier, at the relay's next start.`
              : `Applied "${name}": relay ready on ${result.switch.to} in ${Math.round(result.switch.durationMs)} ms.`,
        );
      },
      async save(name, replace = false) {
        await act(
          () => api.call('profile.save', replace ? { name, replace } : { name }),
          () => `Saved the current tier and overrides as "${name}".`,
        );
      },
      async rename(from, to) {
        await act(
          () => api.call('profile.rename', { from, to }),
          () => `Renamed "${from}" to "${to}".`,
        );
      },
      async remove(name) {
        await act(
          () => api.call('profile.delete', { name }),
          () => `Deleted "${name}".`,
        );
      },
      dismiss: () => set({ outcome: null }),
    };
  });
  api.onConnection((connected) => {
    if (connected) void store.getState().load();
  });
  // The active profile follows every settings change (a tier switch from the tray, another window).
  api.on('settings.changed', () => void store.getState().load());
  return store;
}

import { create } from 'zustand';
import type { Settings, SettingsPatch } from '../../shared/settings';
import type { ApiClient } from '../api/client';
import { errorText, fieldErrorsFromApi, type FieldErrors } from '../lib/error-text';

export type SaveResult =
  { ok: true; settings: Settings } | { ok: false; message: string; fieldErrors: FieldErrors };

export interface SettingsState {
  settings: Settings | null;
  loading: boolean;
  loadError: string | null;
  load(): Promise<void>;
  /** settings.set with a top-level patch; the caller shows the result where the user acted. */
  save(patch: SettingsPatch): Promise<SaveResult>;
}

export function createSettingsStore(api: ApiClient) {
  const store = create<SettingsState>((set, get) => ({
    settings: null,
    loading: false,
    loadError: null,
    async load() {
      if (get().loading) return;
      set({ loading: true, loadError: null });
      try {
        set({ settings: await api.call('settings.get', {}) });
      } catch (error) {
        set({ loadError: errorText(error) });
      } finally {
        set({ loading: false });
      }
    },
    async save(patch) {
      try {
        const settings = await api.call('settings.set', patch);
        set({ settings });
        return { ok: true, settings };
      } catch (error) {
        return { ok: false, message: errorText(error), fieldErrors: fieldErrorsFromApi(error) };
      }
    },
  }));
  api.onConnection((connected) => {
    if (connected) void store.getState().load();
  });
  // A change made elsewhere (the tray, another window) shows here without a reload.
  api.on('settings.changed', (settings) => store.setState({ settings }));
  return store;
}

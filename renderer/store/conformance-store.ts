import { create } from 'zustand';
import type { ClauseResult, ConformanceReport } from '../../shared/conformance';
import type { ApiClient } from '../api/client';
import { errorText } from '../lib/error-text';

/** Settings → Relay → "Check this binary": the clauses as they finish, then the whole report. */

export interface ConformanceState {
  running: boolean;
  /** The binary the results belong to. */
  binary: string | null;
  results: ClauseResult[];
  report: ConformanceReport | null;
  error: string | null;
  check(path: string): Promise<void>;
}

export function createConformanceStore(api: ApiClient) {
  const store = create<ConformanceState>((set, get) => ({
    running: false,
    binary: null,
    results: [],
    report: null,
    error: null,
    async check(path) {
      if (get().running) return;
      set({ running: true, binary: path, results: [], report: null, error: null });
      try {
        const report = await api.call('relay.checkBinary', { path });
        set({ report, results: report.results });
      } catch (error) {
        set({ error: errorText(error) });
      } finally {
        set({ running: false });
      }
    },
  }));
  api.on('conformance.progress', ({ binary, result }) => {
    const state = store.getState();
    // Progress of a check another window started is not ours to show.
    if (!state.running || state.binary !== binary) return;
    store.setState({ results: [...state.results.filter((r) => r.clause !== result.clause), result] });
  });
  return store;
}

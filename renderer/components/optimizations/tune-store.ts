import { create } from 'zustand';
import { ApiError } from '../../../shared/api';
import type {
  TuneApplyResult,
  TunePlan,
  TuneProgress,
  TuneRequestInput,
  TuneResult,
} from '../../../shared/tuning';
import type { ApiClient } from '../../api/client';

export interface TuneState {
  plan: TunePlan | null;
  planError: string | null;
  running: boolean;
  progress: TuneProgress | null;
  result: TuneResult | null;
  /** Why the last stored run is not shown: it was measured on another machine. */
  otherMachine: string | null;
  error: string | null;
  applied: TuneApplyResult | null;
  preview(request: TuneRequestInput): Promise<void>;
  run(request: TuneRequestInput): Promise<void>;
  cancel(): void;
  loadLast(): Promise<void>;
  apply(as: 'overrides' | 'profile', name?: string): Promise<void>;
}

const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

/** The "Tune this machine" card's state: the plan before a run, progress during, the result after. */
export function createTuneStore(api: ApiClient) {
  let abort: AbortController | null = null;
  let previewSeq = 0;
  const store = create<TuneState>((set, get) => ({
    plan: null,
    planError: null,
    running: false,
    progress: null,
    result: null,
    otherMachine: null,
    error: null,
    applied: null,
    async preview(request) {
      const seq = ++previewSeq;
      try {
        const plan = await api.call('tune.plan', request);
        if (seq === previewSeq) set({ plan, planError: null });
      } catch (error) {
        if (seq === previewSeq) set({ plan: null, planError: message(error) });
      }
    },
    async run(request) {
      if (get().running) return;
      abort = new AbortController();
      set({ running: true, progress: null, error: null, applied: null });
      try {
        const result = await api.call('tune.run', request, abort.signal);
        set({ running: false, progress: null, result, otherMachine: null });
      } catch (error) {
        set({ running: false, progress: null, error: message(error) });
      }
    },
    cancel: () => abort?.abort(),
    async loadLast() {
      try {
        const last = await api.call('tune.last', {});
        if (!get().running && !get().result) set({ result: last.result, otherMachine: last.otherMachine });
      } catch (error) {
        set({ error: message(error) });
      }
    },
    async apply(as, name) {
      const result = get().result;
      if (!result) return;
      try {
        const applied = await api.call('tune.apply', { id: result.id, as, name });
        set({ applied, error: null });
      } catch (error) {
        set({ error: message(error) });
      }
    },
  }));
  api.on('tune.progress', (progress) => {
    if (store.getState().running) store.setState({ progress });
  });
  return store;
}

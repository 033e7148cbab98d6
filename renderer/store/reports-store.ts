import { create } from 'zustand';
import { ApiError, type ReportDelivery } from '../../shared/api';
import type { ReportFormat, ReportResult } from '../../shared/report';
import type { SlaTestProgress, SlaTestRequestInput, SlaTestResult } from '../../shared/sla-test';
import type { TierName } from '../../shared/tiers';
import type { ApiClient } from '../api/client';

export const EXPORT_RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
export type ExportRange = keyof typeof EXPORT_RANGES;

export interface ExportState {
  running: boolean;
  progress: { done: number; total: number } | null;
  result: { report: ReportResult; delivery: ReportDelivery } | null;
  error: string | null;
}

export interface SlaTestState {
  running: boolean;
  progress: SlaTestProgress | null;
  result: SlaTestResult | null;
  error: string | null;
}

export interface ReportsStoreState {
  export: ExportState;
  slaTest: SlaTestState;
  runExport(request: { from: number; to: number; tier: TierName; format: ReportFormat }): Promise<void>;
  runSlaTest(request: SlaTestRequestInput): Promise<void>;
  /** Cancels whatever is running: the backend stops, cleans up and answers CANCELLED. */
  cancelExport(): void;
  cancelSlaTest(): void;
}

const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

/** Exports and the SLA test: long commands with progress events and cancellation. */
export function createReportsStore(api: ApiClient) {
  let exportAbort: AbortController | null = null;
  let slaAbort: AbortController | null = null;
  const store = create<ReportsStoreState>((set, get) => ({
    export: { running: false, progress: null, result: null, error: null },
    slaTest: { running: false, progress: null, result: null, error: null },
    async runExport(request) {
      if (get().export.running) return;
      exportAbort = new AbortController();
      set({ export: { running: true, progress: null, result: null, error: null } });
      try {
        const result = await api.call('report.export', request, exportAbort.signal);
        set({ export: { running: false, progress: get().export.progress, result, error: null } });
      } catch (error) {
        set({ export: { running: false, progress: null, result: null, error: message(error) } });
      }
    },
    async runSlaTest(request) {
      if (get().slaTest.running) return;
      slaAbort = new AbortController();
      set({ slaTest: { running: true, progress: null, result: get().slaTest.result, error: null } });
      try {
        const result = await api.call('slaTest.run', request, slaAbort.signal);
        set({ slaTest: { running: false, progress: null, result, error: null } });
      } catch (error) {
        set({
          slaTest: { running: false, progress: null, result: get().slaTest.result, error: message(error) },
        });
      }
    },
    cancelExport: () => exportAbort?.abort(),
    cancelSlaTest: () => slaAbort?.abort(),
  }));
  api.on('report.progress', ({ done, total }) => {
    if (store.getState().export.running)
      store.setState((s) => ({ export: { ...s.export, progress: { done, total } } }));
  });
  api.on('slaTest.progress', (progress) => {
    if (store.getState().slaTest.running) store.setState((s) => ({ slaTest: { ...s.slaTest, progress } }));
  });
  return store;
}

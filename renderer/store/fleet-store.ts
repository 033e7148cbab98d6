import { create } from 'zustand';
import { ApiError, type ReportDelivery } from '../../shared/api';
import type { FleetAddRequest, FleetSnapshot, FleetWindow } from '../../shared/fleet';
import type { SlaTestRequest, SlaTestResult } from '../../shared/sla-test';
import type { TierName } from '../../shared/tiers';
import type { ApiClient } from '../api/client';
import { remoteSlaTestError } from './remote-sla-error';

/** What one remote panel row is doing or last did (tier switch, SLA test, report export). */
export interface RemoteActionState {
  busy: string | null;
  message: string | null;
  error: string | null;
  download: { url: string; fileName: string } | null;
}

/**
 * One remote panel's SLA test. The remote path sends no progress events, so a running test is shown
 * by where and since when (startedAt, this machine's clock); the last result stays until the next.
 */
export interface RemoteSlaTestState {
  running: boolean;
  /** The panel's name as the row shows it, for "running on …" and the error words. */
  panel: string;
  startedAt: number | null;
  request: SlaTestRequest | null;
  result: SlaTestResult | null;
  error: string | null;
  /** Not a failure, so not an error: the user's own cancel, confirmed by the remote. */
  cancelled: string | null;
}

export interface FleetStoreState {
  window: FleetWindow;
  snapshot: FleetSnapshot | null;
  loading: boolean;
  error: string | null;
  addError: string | null;
  adding: boolean;
  actions: Record<string, RemoteActionState>;
  remoteSla: Record<string, RemoteSlaTestState>;
  /** The remote panel whose SLA test card is open under the table, if any. */
  slaPanelId: string | null;
  openRemoteSla(id: string | null): void;
  setWindow(window: FleetWindow): void;
  refresh(): Promise<void>;
  add(request: FleetAddRequest): Promise<boolean>;
  remove(id: string): Promise<void>;
  setRemoteTier(id: string, tier: TierName): Promise<void>;
  runRemoteSlaTest(id: string, panel: string, request: SlaTestRequest): Promise<void>;
  /** The remote panel is told to stop; it answers CANCELLED once its relay is back on its tier. */
  cancelRemoteSlaTest(id: string): void;
  exportRemoteReport(id: string, tier: TierName): Promise<void>;
}

const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error));
const idle: RemoteActionState = { busy: null, message: null, error: null, download: null };

/** The Fleet tab: the fleet snapshot for a window, and what the user does to remote panels. */
export function createFleetStore(api: ApiClient, now: () => number = Date.now) {
  const slaAborts = new Map<string, AbortController>();
  const store = create<FleetStoreState>((set, get) => {
    const act = async (id: string, busy: string, run: () => Promise<Partial<RemoteActionState>>) => {
      set((s) => ({ actions: { ...s.actions, [id]: { ...idle, busy } } }));
      try {
        const done = await run();
        set((s) => ({ actions: { ...s.actions, [id]: { ...idle, ...done } } }));
      } catch (error) {
        set((s) => ({ actions: { ...s.actions, [id]: { ...idle, error: message(error) } } }));
      }
      await get().refresh();
    };
    return {
      window: '1h',
      snapshot: null,
      loading: false,
      error: null,
      addError: null,
      adding: false,
      actions: {},
      remoteSla: {},
      slaPanelId: null,
      openRemoteSla: (id) => set({ slaPanelId: id }),
      setWindow(window) {
        set({ window });
        void get().refresh();
      },
      async refresh() {
        set({ loading: true });
        try {
          const snapshot = await api.call('fleet.list', { window: get().window });
          set({ snapshot, loading: false, error: null });
        } catch (error) {
          set({ loading: false, error: message(error) });
        }
      },
      async add(request) {
        set({ adding: true, addError: null });
        try {
          await api.call('fleet.add', request);
          set({ adding: false });
          await get().refresh();
          return true;
        } catch (error) {
          set({ adding: false, addError: message(error) });
          return false;
        }
      },
      async remove(id) {
        await api.call('fleet.remove', { id }).catch((error: unknown) => set({ error: message(error) }));
        await get().refresh();
      },
      setRemoteTier: (id, tier) =>
        act(id, `Switching to ${tier}…`, async () => {
          const r = await api.call('fleet.remote.setTier', { id, tier });
          const took =
            r.durationMs === null ? 'applies at its next start' : `ready in ${Math.round(r.durationMs)} ms`;
          return { message: `Switched ${r.from} → ${r.to} (${took}).` };
        }),
      async runRemoteSlaTest(id, panel, request) {
        if (get().remoteSla[id]?.running) return;
        const abort = new AbortController();
        slaAborts.set(id, abort);
        const put = (patch: Partial<RemoteSlaTestState>) =>
          set((s) => {
            const current = s.remoteSla[id] ?? {
              running: false,
              panel,
              startedAt: null,
              request: null,
              result: null,
              error: null,
              cancelled: null,
            };
            return { remoteSla: { ...s.remoteSla, [id]: { ...current, ...patch } } };
          });
        // The previous result stays on screen while the next runs, as the local card does.
        put({ running: true, panel, startedAt: now(), request, error: null, cancelled: null });
        try {
          const result = await api.call('fleet.remote.runSlaTest', { id, request }, abort.signal);
          put({ running: false, result, error: null });
        } catch (error) {
          if (error instanceof ApiError && error.code === 'CANCELLED') {
            put({ running: false, cancelled: remoteSlaTestError(error, panel) });
          } else put({ running: false, error: remoteSlaTestError(error, panel) });
        } finally {
          if (slaAborts.get(id) === abort) slaAborts.delete(id);
        }
        await get().refresh();
      },
      cancelRemoteSlaTest: (id) => slaAborts.get(id)?.abort(),
      exportRemoteReport: (id, tier) =>
        act(id, 'Exporting its report…', async () => {
          const to = Date.now();
          const r = await api.call('fleet.remote.exportReport', {
            id,
            request: { from: to - 3_600_000, to, tier, format: 'html' },
          });
          return {
            message: `Report ${r.report.fileName} brought here.`,
            download: downloadOf(r.delivery, r.report.fileName),
          };
        }),
    };
  });
  return store;
}

function downloadOf(delivery: ReportDelivery, fileName: string): RemoteActionState['download'] {
  return delivery.kind === 'download' ? { url: delivery.url, fileName } : null;
}

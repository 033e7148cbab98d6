import { create } from 'zustand';
import { ApiError, type ReportDelivery } from '../../shared/api';
import type { FleetAddRequest, FleetSnapshot, FleetWindow } from '../../shared/fleet';
import type { TierName } from '../../shared/tiers';
import type { ApiClient } from '../api/client';

/** What one remote panel row is doing or last did (tier switch, SLA test, report export). */
export interface RemoteActionState {
  busy: string | null;
  message: string | null;
  error: string | null;
  download: { url: string; fileName: string } | null;
}

export interface FleetStoreState {
  window: FleetWindow;
  snapshot: FleetSnapshot | null;
  loading: boolean;
  error: string | null;
  addError: string | null;
  adding: boolean;
  actions: Record<string, RemoteActionState>;
  setWindow(window: FleetWindow): void;
  refresh(): Promise<void>;
  add(request: FleetAddRequest): Promise<boolean>;
  remove(id: string): Promise<void>;
  setRemoteTier(id: string, tier: TierName): Promise<void>;
  runRemoteSlaTest(id: string, tier: TierName): Promise<void>;
  exportRemoteReport(id: string, tier: TierName): Promise<void>;
}

const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error));
const idle: RemoteActionState = { busy: null, message: null, error: null, download: null };

/** The Fleet tab: the fleet snapshot for a window, and what the user does to remote panels. */
export function createFleetStore(api: ApiClient) {
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
      runRemoteSlaTest: (id, tier) =>
        act(id, 'Running its SLA test…', async () => {
          const r = await api.call('fleet.remote.runSlaTest', {
            id,
            request: { tiers: [tier], probesPerTier: 1000, rateHz: 200 },
          });
          const t = r.tiers[0];
          return {
            message: t ? `SLA test on ${t.tier}: ${t.n} probes, ${t.sla.verdict}.` : 'SLA test finished.',
          };
        }),
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

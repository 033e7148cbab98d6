import { api } from './api/client';
import { metricsSource } from './api/metrics-source';
import { historyToPoints } from './metrics/series';
import { createConformanceStore } from './store/conformance-store';
import { createFleetStore } from './store/fleet-store';
import { createHistoryStore } from './store/history-store';
import { createLogsStore } from './store/logs-store';
import { createMetricsStore, LIVE_SECONDS } from './store/metrics-store';
import { createRelayStore } from './store/relay-store';
import { createProfileStore } from './store/profile-store';
import { createReportsStore } from './store/reports-store';
import { createSettingsStore } from './store/settings-store';
import { createTierStore } from './store/tier-store';

/** The app's store instances, bound to the one api client. */
export const metrics = metricsSource(api);
export const useRelayStore = createRelayStore(api);
export const useTierStore = createTierStore(api, (status) => useRelayStore.getState().receive(status));
export const useMetricsStore = createMetricsStore(metrics);
export const useHistoryStore = createHistoryStore(metrics, (blocks) =>
  useMetricsStore.getState().seedBlocks(blocks),
);
export const useLogsStore = createLogsStore(api);
export const useSettingsStore = createSettingsStore(api);
export const useReportsStore = createReportsStore(api);
export const useFleetStore = createFleetStore(api);
export const useConformanceStore = createConformanceStore(api);

/**
 * On every (re)connect, fill the live chart with the seconds it missed and the block chart with the
 * last day's blocks, so a freshly opened panel does not start from an empty chart.
 */
api.onConnection((connected) => {
  if (!connected) return;
  const now = Date.now();
  metrics
    .queryHistory({ from: now - LIVE_SECONDS * 1000, to: now, resolution: '1s', maxPoints: LIVE_SECONDS })
    .then((result) => {
      useMetricsStore.getState().seedLive(historyToPoints(result.points));
      useMetricsStore.getState().seedBlocks(result.blocks);
    })
    .catch(() => undefined);
  void useHistoryStore.getState().load('24h', now);
});
export const useProfileStore = createProfileStore(api);

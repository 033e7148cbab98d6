import type { BlockRelayed, HistoryQuery, HistoryResult, MetricsTick } from '../metrics/types';
import type { ApiClient } from './client';

/** What the metrics and history stores need from the backend; tests pass a fake. */
export interface MetricsSource {
  onTick(listener: (tick: MetricsTick) => void): () => void;
  onBlock(listener: (block: BlockRelayed) => void): () => void;
  queryHistory(query: HistoryQuery, signal?: AbortSignal): Promise<HistoryResult>;
}

/** metrics.tick, block.relayed and history.query through the typed, validating api client. */
export function metricsSource(api: ApiClient): MetricsSource {
  return {
    onTick: (listener) => api.on('metrics.tick', listener),
    onBlock: (listener) => api.on('block.relayed', listener),
    queryHistory: (query, signal) => api.call('history.query', query, signal),
  };
}

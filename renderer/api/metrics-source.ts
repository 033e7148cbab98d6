import { ApiError, isCommandName } from '../../shared/api';
import type { BlockRelayed, HistoryQuery, HistoryResult, MetricsTick } from '../metrics/types';
import type { ApiClient } from './client';

/** What the metrics and history stores need from the backend; tests pass a fake. */
export interface MetricsSource {
  /** False while the panel does not keep history (history.query not registered). */
  readonly history: boolean;
  onTick(listener: (tick: MetricsTick) => void): () => void;
  onBlock(listener: (block: BlockRelayed) => void): () => void;
  queryHistory(query: HistoryQuery, signal?: AbortSignal): Promise<HistoryResult>;
}

type UntypedCall = (method: string, params: unknown, signal?: AbortSignal) => Promise<unknown>;

/**
 * metrics.tick and block.relayed through the typed client. history.query is bound by name and
 * checked against the shared API at run time, so the long ranges say "no history yet" rather than
 * fail while the backend does not register it; the client validates its result like any other.
 */
export function metricsSource(api: ApiClient): MetricsSource {
  const call = api.call as unknown as UntypedCall;
  const history = isCommandName('history.query');
  return {
    history,
    onTick: (listener) => api.on('metrics.tick', listener),
    onBlock: (listener) => api.on('block.relayed', listener),
    async queryHistory(query, signal) {
      if (!history) {
        throw new ApiError(
          'UNKNOWN_METHOD',
          'This panel does not keep history yet; only live data is shown.',
        );
      }
      return (await call('history.query', query, signal)) as HistoryResult;
    },
  };
}

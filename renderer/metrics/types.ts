/** Metrics as the renderer uses them: the shared schemas' types (shared/metrics.ts). */
export type {
  BlockRelayed,
  HistoryPoint,
  HistoryQueryInput as HistoryQuery,
  HistoryResult,
  LatencySummary,
  MetricsTick,
  ResourceUsage,
  SlaSummary,
  SlaVerdict,
  WindowMetrics,
  WindowName,
} from '../../shared/metrics';
export { WINDOW_NAMES } from '../../shared/metrics';

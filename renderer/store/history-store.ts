import { create } from 'zustand';
import type { MetricsSource } from '../api/metrics-source';
import { errorText } from '../lib/errors';
import { RANGES, type RangeKey } from '../metrics/ranges';
import { downsample, historyToPoints, MAX_CHART_POINTS, type LatencyPoint } from '../metrics/series';
import type { BlockRelayed, HistoryResult } from '../metrics/types';

export interface RangeHistory {
  points: LatencyPoint[];
  resolution: HistoryResult['resolution'] | null;
  bucketMs: number | null;
  from: number;
  to: number;
  loading: boolean;
  error: string | null;
  fetchedAt: number | null;
}

export interface HistoryStore {
  ranges: Partial<Record<RangeKey, RangeHistory>>;
  /** Queries a history range (replacing one in flight for the same range). */
  load(range: RangeKey, now?: number): Promise<void>;
}

/** A history result as chart rows, never more than the chart's bound whatever the server sent. */
export function resultToRange(result: HistoryResult, from: number, to: number, now: number): RangeHistory {
  return {
    points: downsample(historyToPoints(result.points), MAX_CHART_POINTS),
    resolution: result.resolution,
    bucketMs: result.bucketMs,
    from,
    to,
    loading: false,
    error: null,
    fetchedAt: now,
  };
}

export function createHistoryStore(source: MetricsSource, onBlocks: (blocks: BlockRelayed[]) => void) {
  const inflight = new Map<RangeKey, AbortController>();
  return create<HistoryStore>((set, get) => ({
    ranges: {},
    async load(range, now = Date.now()) {
      inflight.get(range)?.abort();
      const controller = new AbortController();
      inflight.set(range, controller);
      const from = now - RANGES[range].ms;
      const previous = get().ranges[range];
      const pending: RangeHistory = previous
        ? { ...previous, loading: true }
        : {
            points: [],
            resolution: null,
            bucketMs: null,
            from,
            to: now,
            loading: true,
            error: null,
            fetchedAt: null,
          };
      set((state) => ({ ranges: { ...state.ranges, [range]: pending } }));
      try {
        const result = await source.queryHistory(
          { from, to: now, resolution: 'auto', maxPoints: MAX_CHART_POINTS },
          controller.signal,
        );
        if (controller.signal.aborted) return;
        onBlocks(result.blocks);
        set((state) => ({
          ranges: { ...state.ranges, [range]: resultToRange(result, from, now, Date.now()) },
        }));
      } catch (error) {
        if (controller.signal.aborted) return;
        set((state) => ({
          ranges: {
            ...state.ranges,
            [range]: { ...pending, loading: false, error: errorText(error) },
          },
        }));
      } finally {
        if (inflight.get(range) === controller) inflight.delete(range);
      }
    },
  }));
}

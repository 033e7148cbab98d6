import { create } from 'zustand';
import type { MetricsSource } from '../api/metrics-source';
import { errorText } from '../lib/error-text';
import { RANGES, type RangeKey } from '../metrics/ranges';
import { historyToPoints, type LatencyPoint } from '../metrics/series';
import type { BlockRelayed, HistoryResult } from '../metrics/types';

export interface RangeHistory {
  /** At the query's resolution, oldest first; the chart buckets these to its own bound. */
  points: LatencyPoint[];
  resolution: HistoryResult['resolution'] | null;
  /** Spacing of the points (ms), for telling a gap from the next bucket. */
  stepMs: number;
  loading: boolean;
  error: string | null;
  fetchedAt: number | null;
}

export interface HistoryStore {
  ranges: Partial<Record<RangeKey, RangeHistory>>;
  /** Queries a range; a later call only fetches what is new since the last answer. */
  load(range: RangeKey, now?: number): Promise<void>;
}

const RESOLUTION_MS = { '1s': 1000, '1m': 60_000, '1h': 3_600_000 } as const;

/** Enough points for the whole range at a resolution (plus the partial buckets at both ends). */
export function maxPointsFor(rangeMs: number, resolution: keyof typeof RESOLUTION_MS): number {
  return Math.ceil(rangeMs / RESOLUTION_MS[resolution]) + 2;
}

/** Bucket spacing of a result: raw and 1 s points are a second apart. */
export function stepOf(result: Pick<HistoryResult, 'resolution' | 'bucketMs'>): number {
  return Math.max(1000, result.bucketMs);
}

/**
 * Folds a refresh into what was there: the refresh starts at the last (possibly partial) bucket,
 * replaces it and everything after it, and points that slid out of the range are dropped.
 */
export function mergeRefresh(
  existing: readonly LatencyPoint[],
  fresh: readonly LatencyPoint[],
  refreshFrom: number,
  rangeFrom: number,
): LatencyPoint[] {
  const kept = existing.filter((p) => p.t >= rangeFrom && p.t < refreshFrom);
  return [...kept, ...fresh.filter((p) => p.t >= rangeFrom)];
}

export function createHistoryStore(source: MetricsSource, onBlocks: (blocks: BlockRelayed[]) => void) {
  const inflight = new Map<RangeKey, AbortController>();
  const update = (range: RangeKey, patch: (previous: RangeHistory | undefined) => RangeHistory) =>
    store.setState((state) => ({ ranges: { ...state.ranges, [range]: patch(state.ranges[range]) } }));

  const store = create<HistoryStore>((_set, get) => ({
    ranges: {},
    async load(range, now = Date.now()) {
      inflight.get(range)?.abort();
      const controller = new AbortController();
      inflight.set(range, controller);
      const spec = RANGES[range];
      const rangeFrom = now - spec.ms;
      const previous = get().ranges[range];
      const last = previous?.points[previous.points.length - 1];
      // Incremental when the last answer is recent enough to join up with; else the whole range.
      const incremental =
        previous?.resolution === spec.resolution &&
        last !== undefined &&
        previous.fetchedAt !== null &&
        now - previous.fetchedAt < spec.ms / 4;
      update(range, (p) => ({
        points: p?.points ?? [],
        resolution: p?.resolution ?? null,
        stepMs: p?.stepMs ?? 1000,
        fetchedAt: p?.fetchedAt ?? null,
        loading: true,
        error: null,
      }));
      try {
        const from = incremental && last ? last.t : rangeFrom;
        const result = await source.queryHistory(
          { from, to: now, resolution: spec.resolution, maxPoints: maxPointsFor(spec.ms, spec.resolution) },
          controller.signal,
        );
        if (controller.signal.aborted) return;
        onBlocks(result.blocks);
        const fresh = historyToPoints(result.points);
        update(range, (p) => ({
          points: incremental ? mergeRefresh(p?.points ?? [], fresh, from, rangeFrom) : fresh,
          resolution: result.resolution,
          stepMs: stepOf(result),
          loading: false,
          error: null,
          fetchedAt: now,
        }));
      } catch (error) {
        if (controller.signal.aborted) return;
        update(range, (p) => ({
          points: p?.points ?? [],
          resolution: p?.resolution ?? null,
          stepMs: p?.stepMs ?? 1000,
          fetchedAt: p?.fetchedAt ?? null,
          loading: false,
          error: errorText(error),
        }));
      } finally {
        if (inflight.get(range) === controller) inflight.delete(range);
      }
    },
  }));
  return store;
}

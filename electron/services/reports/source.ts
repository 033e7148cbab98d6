import type { BlockRelayed, HistoryEvent } from '../../../shared/metrics';

/**
 * What a report reads, and nothing more: the narrow view of the history store the exporters depend
 * on, so they can be tested against an in-memory fake and the store can change behind it.
 */

/** Half-open [from, to) in epoch ms. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** One raw probe sample: intended send time (epoch ms), latency (ms, µs resolution), outcome, tier. */
export interface RawSample {
  readonly t: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  /** As stored: a tier name (a row of an unknown tier is kept apart, never counted as the report's). */
  readonly tier: string;
  /** The probe's own lateness (actual − intended send), ms; absent or null in older rows. */
  readonly lateMs?: number | null;
  /** The probe's own busy time in the answer's window (absent from older rows). */
  readonly ownMs?: number | null;
}

export interface ReportSource {
  /** Raw samples in the range, every tier (the denominator of progress). */
  countSamples(range: TimeRange): Promise<number>;
  /**
   * Raw samples in the range, every tier, ascending by t, in pages of at most pageSize. Pages keep
   * memory flat over a day at 10 Hz; the caller may stop early (break), which must release the read.
   */
  iterateSamples(range: TimeRange, pageSize: number): AsyncIterable<readonly RawSample[]>;
  /** Blocks that reached the relay within the range, ascending by receivedAt. */
  blocks(range: TimeRange): Promise<BlockRelayed[]>;
  /** Events within the range, ascending by at. */
  events(range: TimeRange): Promise<HistoryEvent[]>;
  /** The latest event of one of `kinds` strictly before `at`: a breach already open at the start. */
  lastEventBefore(at: number, kinds: readonly string[]): Promise<HistoryEvent | null>;
}

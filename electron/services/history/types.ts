import type { TierName } from '../../../shared/tiers';
import type { ProbeSample } from '../probe/protocol';

/** One closed second of probe samples, as the aggregator hands it to history. Latencies in ms. */
export interface SecondAggregate {
  /** Start of the second, epoch ms (a multiple of 1000). */
  readonly t: number;
  readonly tier: TierName;
  readonly n: number;
  readonly misses: number;
  readonly sumMs: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** The second's HDR histogram, standard compressed encoding (measure-core/hdr.ts). */
  readonly hist: Uint8Array;
  /**
   * The second's values in µs, when the caller has them: the store then adds them to the minute and
   * hour rollups directly instead of decoding `hist` (which is what makes bulk imports fast).
   */
  readonly valuesUs?: Float64Array;
}

/** A sample as stored: the probe's wire tuple, defined once by its schema (probe/protocol.ts). */
export type RawSample = ProbeSample;

export interface Retention {
  readonly rawDays: number;
  readonly aggregateDays: number;
}

/** The database file could not be opened or is damaged. The caller decides: keep it aside, start anew. */
export class HistoryOpenError extends Error {
  override readonly name = 'HistoryOpenError';
  constructor(
    readonly file: string,
    readonly reason: 'corrupt' | 'newer-schema' | 'unopenable',
    cause: unknown,
  ) {
    super(`history database ${file}: ${reason} (${cause instanceof Error ? cause.message : String(cause)})`, {
      cause,
    });
  }
}

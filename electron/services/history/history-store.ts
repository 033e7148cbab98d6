import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  HistoryQuery,
  type BlockRelayed,
  type HistoryEvent,
  type HistoryQueryInput,
  type HistoryResult,
  type SampleSource,
} from '../../../shared/metrics';
import type { TierName } from '../../../shared/tiers';
import { RES, openDatabase } from './db';
import { HistoryQueries } from './query';
import { SampleReads, type StoredSample } from './reads';
import { applyRetention, type RetentionCounts } from './retention';
import { Rollups, bucketFromRow, mergeInto, rowFromBucket, type AggregateRow } from './rollup';
import type { RawSample, Retention, SecondAggregate } from './types';

export interface HistoryStoreOptions {
  /** The database file, in the app's data folder (the caller picks it). */
  readonly file: string;
  readonly retention: Retention;
  /** How often buffered rows are committed: at most this much is lost to a kill -9. */
  readonly flushIntervalMs?: number;
  readonly retentionIntervalMs?: number;
  readonly now?: () => number;
  /** A flush or retention pass failed (disk full, locked): rows stay buffered and are retried. */
  readonly onError?: (err: Error) => void;
}

export interface FlushCounts {
  samples: number;
  seconds: number;
  blocks: number;
  events: number;
}

const LIVE: readonly SampleSource[] = ['live'];

/** Past this many buffered samples (a day at 10 Hz) a failing disk costs the oldest, not the heap. */
const MAX_BUFFERED_SAMPLES = 864_000;

/**
 * The history database: a buffered writer (one transaction per flush, prepared statements reused),
 * retention, and queries. Synchronous on purpose (node:sqlite is): a flush of one second's rows takes
 * well under a millisecond, and being synchronous makes "what was committed" simple to reason about.
 */
export class HistoryStore {
  readonly file: string;
  private readonly db: DatabaseSync;
  private readonly queries: HistoryQueries;
  private readonly reads: SampleReads;
  private readonly rollups: Rollups;
  private readonly st: Record<'sample' | 'second' | 'upsert' | 'loadAgg' | 'block' | 'event', StatementSync>;
  private samples: Array<{ tier: TierName; source: SampleSource; rows: readonly RawSample[] }> = [];
  private bufferedSamples = 0;
  private seconds: SecondAggregate[] = [];
  private blockRows: BlockRelayed[] = [];
  private eventRows: HistoryEvent[] = [];
  private readonly flushTimer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout;
  private readonly now: () => number;
  private closed = false;
  private retention: Retention;
  /** Samples dropped because the buffer overflowed while flushes kept failing. */
  droppedSamples = 0;

  private constructor(private readonly o: HistoryStoreOptions) {
    this.file = o.file;
    this.now = o.now ?? Date.now;
    this.retention = o.retention;
    this.db = openDatabase(o.file);
    const p = (sql: string) => this.db.prepare(sql);
    this.st = {
      sample: p(
        'INSERT INTO samples (t, latency_ms, ok, tier, source, late_ms, own_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      second: p(`INSERT INTO aggregates (res_ms, t, tier, n, misses, sum_ms, p50, p90, p99, p999, max, hist)
                 VALUES (${RES.second}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      upsert:
        p(`INSERT OR REPLACE INTO aggregates (res_ms, t, tier, n, misses, sum_ms, p50, p90, p99, p999, max, hist)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      loadAgg: p('SELECT * FROM aggregates WHERE res_ms = ? AND t = ? AND tier = ?'),
      block:
        p(`INSERT INTO blocks (hash, height, received_at, relayed_at, added_ms, end_to_end_ms, delivered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)`),
      event: p('INSERT INTO events (at, kind, details) VALUES (?, ?, ?)'),
    };
    this.queries = new HistoryQueries(this.db);
    this.reads = new SampleReads(this.db);
    this.rollups = new Rollups(
      (res, t, tier) => this.st.loadAgg.get(res, t, tier) as AggregateRow | undefined,
    );
    this.applyRetentionSafely();
    this.flushTimer = setInterval(() => this.flushSafely(), o.flushIntervalMs ?? 1000);
    this.flushTimer.unref();
    this.retentionTimer = setInterval(() => this.applyRetentionSafely(), o.retentionIntervalMs ?? 3_600_000);
    this.retentionTimer.unref();
  }

  /** Opens (creating and migrating) the file. Throws HistoryOpenError when it is damaged or unopenable. */
  static open(options: HistoryStoreOptions): HistoryStore {
    return new HistoryStore(options);
  }

  get pending(): number {
    return this.bufferedSamples + this.seconds.length + this.blockRows.length + this.eventRows.length;
  }

  /** Raw samples of one tier and source (an SLA test's are never read as live ones). */
  addSamples(tier: TierName, rows: readonly RawSample[], source: SampleSource = 'live'): void {
    if (rows.length === 0) return;
    this.samples.push({ tier, source, rows });
    this.bufferedSamples += rows.length;
    while (this.bufferedSamples > MAX_BUFFERED_SAMPLES && this.samples.length > 1) {
      const dropped = this.samples.shift();
      this.bufferedSamples -= dropped?.rows.length ?? 0;
      this.droppedSamples += dropped?.rows.length ?? 0;
    }
  }

  addSecond(agg: SecondAggregate): void {
    this.seconds.push(agg);
  }

  addBlock(block: BlockRelayed): void {
    this.blockRows.push(block);
  }

  addEvent(event: HistoryEvent): void {
    this.eventRows.push(event);
  }

  /** Commit everything buffered in one transaction. On failure nothing is lost from the buffers. */
  flush(): FlushCounts {
    const counts: FlushCounts = {
      samples: this.bufferedSamples,
      seconds: this.seconds.length,
      blocks: this.blockRows.length,
      events: this.eventRows.length,
    };
    if (this.pending === 0) return counts;
    const { st } = this;
    this.db.exec('BEGIN');
    try {
      for (const { tier, source, rows } of this.samples) {
        for (const [t, latency, ok, late, own] of rows)
          st.sample.run(t, latency, ok ? 1 : 0, tier, source, late ?? null, own ?? null);
      }
      for (const s of this.seconds) {
        const inserted = st.second.run(
          s.t,
          s.tier,
          s.n,
          s.misses,
          s.sumMs,
          s.p50,
          s.p90,
          s.p99,
          s.p999,
          s.max,
          s.hist,
        );
        if (Number(inserted.changes) === 0) this.mergeSecond(s);
        this.rollups.add(s);
      }
      for (const r of this.rollups.drain()) this.upsert(r);
      for (const b of this.blockRows) {
        st.block.run(b.hash, b.height, b.receivedAt, b.relayedAt, b.addedMs, b.endToEndMs, b.deliveredAt);
      }
      for (const e of this.eventRows) st.event.run(e.at, e.kind, JSON.stringify(e.details));
      this.db.exec('COMMIT');
    } catch (err) {
      // SQLite may already have rolled back (a full disk does): ROLLBACK then fails with "cannot
      // rollback - no transaction is active" and would hide the real cause.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.rollups.reset();
      throw err;
    }
    this.samples = [];
    this.bufferedSamples = 0;
    this.seconds = [];
    this.blockRows = [];
    this.eventRows = [];
    return counts;
  }

  /** Delete raw samples older than rawDays; aggregates, blocks and events older than aggregateDays. */
  applyRetention(now = this.now()): RetentionCounts {
    return applyRetention(this.db, this.retention, now);
  }

  /** New retention from settings: applied at once (not at the next hourly pass), so it takes effect when saved. */
  setRetention(retention: Retention): RetentionCounts {
    this.retention = retention;
    return this.applyRetention();
  }

  /** history.query: validated here too, so a direct caller gets the schema's defaults and checks. */
  query(input: HistoryQueryInput): HistoryResult {
    return this.queries.run(HistoryQuery.parse(input));
  }

  // ---- the narrow reads reports need (electron/services/reports/source.ts) ----

  /** Raw samples of `sources` (live only unless asked) in [from, to). */
  countSamples(from: number, to: number, sources: readonly SampleSource[] = LIVE): number {
    return this.reads.countSamples(from, to, sources);
  }

  /** Raw samples of `sources` in [from, to), ascending by t, in pages of at most pageSize. */
  iterateSamples(
    from: number,
    to: number,
    pageSize: number,
    sources: readonly SampleSource[] = LIVE,
  ): Generator<StoredSample[]> {
    return this.reads.iterateSamples(from, to, pageSize, sources);
  }

  /** Live n and misses per tier over [from, to) from the roll-ups at `resMs` (1000 or 60000). */
  countsByTier(resMs: number, from: number, to: number): Array<{ tier: string; n: number; misses: number }> {
    return this.reads.countsByTier(resMs, from, to);
  }

  /** One tier's roll-up rows at `resMs` over [from, to), ascending. */
  aggregateRows(resMs: number, tier: string, from: number, to: number): AggregateRow[] {
    return this.reads.aggregateRows(resMs, tier, from, to);
  }

  blocks(from: number, to: number, limit = 100_000): BlockRelayed[] {
    return this.queries.blocks(from, to, limit);
  }

  events(from: number, to: number, limit = 100_000): HistoryEvent[] {
    return this.queries.events(from, to, limit);
  }

  /** The latest event of one of `kinds` strictly before `at`. */
  lastEventBefore(at: number, kinds: readonly string[]): HistoryEvent | null {
    return this.reads.lastEventBefore(at, kinds);
  }

  /** Flush what is buffered, stop the timers, close the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }

  /** The same second stored twice (a restart within it): merge, so neither half is lost. */
  private mergeSecond(s: SecondAggregate): void {
    const stored = this.st.loadAgg.get(RES.second, s.t, s.tier) as AggregateRow | undefined;
    if (!stored) return;
    const bucket = bucketFromRow(stored);
    const incoming = bucketFromRow({
      ...stored,
      n: s.n,
      misses: s.misses,
      sum_ms: s.sumMs,
      max: s.max,
      hist: s.hist,
    });
    mergeInto(bucket, incoming);
    this.upsert(rowFromBucket(bucket));
  }

  private upsert(r: AggregateRow): void {
    this.st.upsert.run(
      r.res_ms,
      r.t,
      r.tier,
      r.n,
      r.misses,
      r.sum_ms,
      r.p50,
      r.p90,
      r.p99,
      r.p999,
      r.max,
      r.hist,
    );
  }

  private flushSafely(): void {
    try {
      this.flush();
    } catch (err) {
      this.o.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private applyRetentionSafely(): void {
    try {
      this.applyRetention();
    } catch (err) {
      this.o.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

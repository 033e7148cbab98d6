import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { HistoryEvent, SampleSource } from '../../../shared/metrics';
import type { TierName } from '../../../shared/tiers';
import { parseDetails } from './query';
import type { AggregateRow } from './rollup';

/** One stored raw sample as reports read it. */
export interface StoredSample {
  readonly t: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  /** Written only from TierName values; an older or newer build's tier would pass through as is. */
  readonly tier: TierName;
  readonly source: SampleSource;
  /** The probe's own lateness, ms; null for rows written before it was recorded. */
  readonly lateMs: number | null;
  /** The probe's own busy time in the answer's window, ms; null where it was not recorded. */
  readonly ownMs: number | null;
}

/** The sequential reads exports need (electron/services/reports/source.ts): counts, pages, last event. */
export class SampleReads {
  private readonly count: StatementSync;
  private readonly page: StatementSync;
  private readonly lastEvent: StatementSync;
  private readonly byTier: StatementSync;
  private readonly rowsOfTier: StatementSync;

  constructor(db: DatabaseSync) {
    this.count = db.prepare(`SELECT count(*) AS c FROM samples
      WHERE t >= ? AND t < ? AND source IN (SELECT value FROM json_each(?))`);
    // Keyset pagination on (t, rowid): each page is an index seek, so memory and time stay flat.
    this.page = db.prepare(`SELECT rowid AS id, t, latency_ms, ok, tier, source, late_ms, own_ms FROM samples
      WHERE t >= ? AND t < ? AND (t > ? OR (t = ? AND rowid > ?))
        AND source IN (SELECT value FROM json_each(?)) ORDER BY t, rowid LIMIT ?`);
    // Live figures per tier over a window, from the per-second or per-minute roll-ups (live only: an
    // SLA test's samples never reach the aggregates).
    this.byTier = db.prepare(`SELECT tier, sum(n) AS n, sum(misses) AS misses FROM aggregates
      WHERE res_ms = ? AND t >= ? AND t < ? GROUP BY tier`);
    this.rowsOfTier = db.prepare(`SELECT * FROM aggregates
      WHERE res_ms = ? AND tier = ? AND t >= ? AND t < ? ORDER BY t`);
    this.lastEvent = db.prepare(`SELECT at, kind, details FROM events
      WHERE at < ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY at DESC LIMIT 1`);
  }

  countSamples(from: number, to: number, sources: readonly SampleSource[]): number {
    return Number((this.count.get(from, to, JSON.stringify(sources)) as { c: number }).c);
  }

  *iterateSamples(
    from: number,
    to: number,
    pageSize: number,
    sources: readonly SampleSource[],
  ): Generator<StoredSample[]> {
    const only = JSON.stringify(sources);
    let lastT = -Infinity;
    let lastId = -1;
    for (;;) {
      const rows = this.page.all(from, to, lastT, lastT, lastId, only, pageSize) as Array<{
        id: number;
        t: number;
        latency_ms: number;
        ok: number;
        tier: string;
        source: string;
        late_ms: number | null;
        own_ms: number | null;
      }>;
      const last = rows.at(-1);
      if (!last) return;
      lastT = last.t;
      lastId = last.id;
      yield rows.map((r) => ({
        t: r.t,
        latencyMs: r.latency_ms,
        ok: r.ok === 1,
        tier: r.tier as TierName,
        source: r.source as SampleSource,
        lateMs: r.late_ms,
        ownMs: r.own_ms,
      }));
      if (rows.length < pageSize) return;
    }
  }

  /** n and misses per tier over [from, to) at one stored resolution. */
  countsByTier(resMs: number, from: number, to: number): Array<{ tier: string; n: number; misses: number }> {
    return (this.byTier.all(resMs, from, to) as Array<{ tier: string; n: number; misses: number }>).map(
      (r) => ({
        tier: r.tier,
        n: Number(r.n),
        misses: Number(r.misses),
      }),
    );
  }

  /** One tier's stored roll-up rows at one resolution over [from, to), ascending. */
  aggregateRows(resMs: number, tier: string, from: number, to: number): AggregateRow[] {
    return this.rowsOfTier.all(resMs, tier, from, to) as unknown as AggregateRow[];
  }

  lastEventBefore(at: number, kinds: readonly string[]): HistoryEvent | null {
    const row = this.lastEvent.get(at, JSON.stringify(kinds)) as
      { at: number; kind: string; details: string } | undefined;
    return row ? { at: row.at, kind: row.kind, details: parseDetails(row.details) } : null;
  }
}

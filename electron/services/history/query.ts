import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
  BlockRelayed,
  HistoryEvent,
  HistoryPoint,
  HistoryQuery,
  HistoryResolution,
  HistoryResult,
} from '../../../shared/metrics';
import { isWithinTarget } from '../../../shared/sla';
import { TIERS, type TierName } from '../../../shared/tiers';
import { decodeHistogram, newHistogram, percentilesMs, toMicros } from '../measure-core/hdr';
import { RES } from './db';

const STORED: ReadonlyArray<{ resolution: Exclude<HistoryResolution, 'raw'>; ms: number }> = [
  { resolution: '1s', ms: RES.second },
  { resolution: '1m', ms: RES.minute },
  { resolution: '1h', ms: RES.hour },
];

export interface ResolutionChoice {
  readonly resolution: HistoryResolution;
  /** 0 for raw; otherwise a multiple of the stored resolution. */
  readonly bucketMs: number;
}

function bucketsIn(from: number, to: number, ms: number): number {
  return Math.ceil((to - (from - (from % ms))) / ms);
}

/**
 * The finest resolution whose points fit in maxPoints: raw when the range holds at most maxPoints
 * samples (counted with a LIMIT, so a day of samples is not scanned to find out), then 1 s, 1 min,
 * 1 h; past that, hour buckets widened to k hours. A forced resolution is widened the same way
 * (raw cannot be: it is cut at maxPoints and flagged).
 */
export function chooseResolution(q: HistoryQuery, rawCountUpTo: (limit: number) => number): ResolutionChoice {
  if (q.resolution === 'raw') return { resolution: 'raw', bucketMs: 0 };
  if (q.resolution === 'auto' && rawCountUpTo(q.maxPoints + 1) <= q.maxPoints) {
    return { resolution: 'raw', bucketMs: 0 };
  }
  const candidates = q.resolution === 'auto' ? STORED : STORED.filter((s) => s.resolution === q.resolution);
  for (const c of candidates) {
    if (bucketsIn(q.from, q.to, c.ms) <= q.maxPoints) return { resolution: c.resolution, bucketMs: c.ms };
  }
  const widest = candidates.at(-1) ?? { resolution: '1h' as const, ms: RES.hour };
  const k = Math.ceil(bucketsIn(q.from, q.to, widest.ms) / q.maxPoints);
  return { resolution: widest.resolution, bucketMs: widest.ms * k };
}

interface AggRow {
  t: number;
  tier: string;
  n: number;
  misses: number;
  p50: number;
  p99: number;
  max: number;
  hist: Uint8Array;
}

interface RawRow {
  t: number;
  latency_ms: number;
  ok: number;
  tier: string;
}

function targetOf(tier: string): number | null {
  return Object.hasOwn(TIERS, tier) ? TIERS[tier as TierName].targetMs : null;
}

/** Rows of one stored resolution grouped into buckets; a bucket of several rows is a histogram merge. */
function pointsFromAggregates(rows: readonly AggRow[], bucketMs: number): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  let i = 0;
  while (i < rows.length) {
    const first = rows[i];
    if (!first) break;
    const bucket = first.t - (first.t % bucketMs);
    let j = i + 1;
    while (j < rows.length && (rows[j]?.t ?? Infinity) < bucket + bucketMs) j++;
    if (j === i + 1) {
      const { n, misses, p50, p99, max, tier } = first;
      points.push({ t: bucket, n, misses, p50, p99, max, tier });
    } else {
      // Several seconds/minutes/hours or several tiers in one bucket: merge their histograms, never
      // average their percentiles.
      const merged = newHistogram();
      let n = 0;
      let misses = 0;
      let max = 0;
      let tier: string | null = first.tier;
      for (let k = i; k < j; k++) {
        const r = rows[k];
        if (!r) continue;
        if (r.tier !== tier) tier = null;
        merged.add(decodeHistogram(r.hist));
        n += r.n;
        misses += r.misses;
        max = Math.max(max, r.max);
      }
      const p = percentilesMs(merged, n, toMicros(max));
      points.push({ t: bucket, n, misses, p50: p?.p50 ?? 0, p99: p?.p99 ?? 0, max, tier });
    }
    i = j;
  }
  return points;
}

export class HistoryQueries {
  private readonly countRaw: StatementSync;
  private readonly selectRaw: StatementSync;
  private readonly selectAgg: StatementSync;
  private readonly selectBlocks: StatementSync;
  private readonly selectEvents: StatementSync;

  constructor(db: DatabaseSync) {
    this.countRaw = db.prepare(
      // Charts show live probing only: an SLA test's samples are their own record (its runs).
      "SELECT count(*) AS c FROM (SELECT 1 FROM samples WHERE t >= ? AND t < ? AND source = 'live' LIMIT ?)",
    );
    this.selectRaw = db.prepare(
      "SELECT t, latency_ms, ok, tier FROM samples WHERE t >= ? AND t < ? AND source = 'live' ORDER BY t LIMIT ?",
    );
    this.selectAgg = db.prepare(
      'SELECT t, tier, n, misses, p50, p99, max, hist FROM aggregates WHERE res_ms = ? AND t >= ? AND t < ? ORDER BY t',
    );
    this.selectBlocks = db.prepare(
      `SELECT height, hash, received_at, relayed_at, added_ms, end_to_end_ms, delivered_at FROM blocks
       WHERE received_at >= ? AND received_at < ? ORDER BY received_at DESC LIMIT ?`,
    );
    this.selectEvents = db.prepare(
      'SELECT at, kind, details FROM events WHERE at >= ? AND at < ? ORDER BY at DESC LIMIT ?',
    );
  }

  /** Range is half-open [from, to). Blocks and events: the most recent maxPoints, ascending. */
  run(q: HistoryQuery): HistoryResult {
    const choice = chooseResolution(q, (limit) => {
      const row = this.countRaw.get(q.from, q.to, limit) as { c: number };
      return Number(row.c);
    });
    let truncated = false;
    let points: HistoryPoint[];
    if (choice.resolution === 'raw') {
      const rows = this.selectRaw.all(q.from, q.to, q.maxPoints + 1) as unknown as RawRow[];
      if (rows.length > q.maxPoints) {
        truncated = true;
        rows.length = q.maxPoints;
      }
      points = rows.map((r) => {
        const target = targetOf(r.tier);
        const ok = r.ok === 1;
        const miss = target === null ? !ok : !isWithinTarget(ok, r.latency_ms, target);
        const l = r.latency_ms;
        return { t: r.t, n: 1, misses: miss ? 1 : 0, p50: l, p99: l, max: l, tier: r.tier };
      });
    } else {
      const stored = STORED.find((s) => s.resolution === choice.resolution)?.ms ?? RES.hour;
      const from = q.from - (q.from % choice.bucketMs);
      const rows = this.selectAgg.all(stored, from, q.to) as unknown as AggRow[];
      points = pointsFromAggregates(rows, choice.bucketMs);
    }
    const blocks = this.blocks(q.from, q.to, q.maxPoints + 1);
    const events = this.events(q.from, q.to, q.maxPoints + 1);
    if (blocks.length > q.maxPoints) {
      truncated = true;
      blocks.splice(0, blocks.length - q.maxPoints);
    }
    if (events.length > q.maxPoints) {
      truncated = true;
      events.splice(0, events.length - q.maxPoints);
    }
    return { resolution: choice.resolution, bucketMs: choice.bucketMs, points, blocks, events, truncated };
  }

  /** The most recent `limit` blocks received in [from, to), ascending. */
  blocks(from: number, to: number, limit: number): BlockRelayed[] {
    const rows = this.selectBlocks.all(from, to, limit) as Array<Record<string, number | string | null>>;
    return rows.reverse().map((r) => ({
      height: Number(r.height),
      hash: String(r.hash),
      receivedAt: Number(r.received_at),
      relayedAt: Number(r.relayed_at),
      addedMs: Number(r.added_ms),
      endToEndMs: r.end_to_end_ms === null ? null : Number(r.end_to_end_ms),
      deliveredAt: Number(r.delivered_at),
    }));
  }

  /** The most recent `limit` events in [from, to), ascending. */
  events(from: number, to: number, limit: number): HistoryEvent[] {
    const rows = this.selectEvents.all(from, to, limit) as Array<{
      at: number;
      kind: string;
      details: string;
    }>;
    return rows.reverse().map((r) => ({ at: r.at, kind: r.kind, details: parseDetails(r.details) }));
  }
}

export function parseDetails(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { unparsed: json };
  }
}

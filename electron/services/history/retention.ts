import type { DatabaseSync } from 'node:sqlite';
import { RES } from './db';
import type { Retention } from './types';

const DAY_MS = 86_400_000;
const DELETE_CHUNK = 50_000;

export interface RetentionCounts {
  samples: number;
  aggregates: number;
  blocks: number;
  events: number;
}

/**
 * Delete raw samples older than rawDays; aggregates (every resolution), blocks and events older than
 * aggregateDays. Deletes go in chunks so the first pass over a long-idle database never holds the
 * main thread for seconds; each range delete walks an index on its time column.
 */
export function applyRetention(db: DatabaseSync, retention: Retention, now: number): RetentionCounts {
  const rawCutoff = now - retention.rawDays * DAY_MS;
  const aggCutoff = now - retention.aggregateDays * DAY_MS;
  const chunked = (sql: string, cutoff: number): number => {
    const statement = db.prepare(sql);
    let total = 0;
    for (;;) {
      const changes = Number(statement.run(cutoff, DELETE_CHUNK).changes);
      total += changes;
      if (changes < DELETE_CHUNK) return total;
    }
  };
  const aggregates = db.prepare('DELETE FROM aggregates WHERE res_ms = ? AND t < ?');
  return {
    samples: chunked(
      'DELETE FROM samples WHERE rowid IN (SELECT rowid FROM samples WHERE t < ? LIMIT ?)',
      rawCutoff,
    ),
    aggregates: Object.values(RES).reduce((n, res) => n + Number(aggregates.run(res, aggCutoff).changes), 0),
    blocks: chunked(
      'DELETE FROM blocks WHERE rowid IN (SELECT rowid FROM blocks WHERE received_at < ? LIMIT ?)',
      aggCutoff,
    ),
    events: chunked(
      'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE at < ? LIMIT ?)',
      aggCutoff,
    ),
  };
}

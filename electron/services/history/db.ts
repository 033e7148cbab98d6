import { closeSync, openSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { HistoryOpenError } from './types';

/**
 * Opening and migrating the history database (node:sqlite: no native module to ship).
 *
 * WAL with synchronous=NORMAL: a commit is an append to the WAL without an fsync, so a flush a
 * second costs microseconds, and a killed process (kill -9, crash) loses nothing committed; only an
 * OS crash or power loss can lose the last commits, never corrupt the file. busy_timeout covers a
 * second reader (a report export) holding a lock for a moment.
 */

/** Resolutions stored in `aggregates.res_ms`. */
export const RES = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;

const MIGRATIONS: ReadonlyArray<(db: DatabaseSync) => void> = [
  // 1: raw samples, multi-resolution aggregates with their HDR histograms, blocks, events.
  (db) =>
    db.exec(`
      CREATE TABLE samples (
        t REAL NOT NULL,            -- intended send time, epoch ms
        latency_ms REAL NOT NULL,
        ok INTEGER NOT NULL,        -- 1 success, 0 error or timeout
        tier TEXT NOT NULL
      );
      CREATE INDEX samples_t ON samples (t);
      CREATE TABLE aggregates (
        res_ms INTEGER NOT NULL,    -- 1000, 60000, 3600000
        t INTEGER NOT NULL,         -- bucket start, epoch ms
        tier TEXT NOT NULL,
        n INTEGER NOT NULL,
        misses INTEGER NOT NULL,
        sum_ms REAL NOT NULL,
        p50 REAL NOT NULL, p90 REAL NOT NULL, p99 REAL NOT NULL, p999 REAL NOT NULL,
        max REAL NOT NULL,          -- exact
        hist BLOB NOT NULL,         -- HdrHistogram V2 compressed encoding, values in µs
        PRIMARY KEY (res_ms, t, tier)
      ) WITHOUT ROWID;
      CREATE TABLE blocks (
        hash TEXT NOT NULL,
        height INTEGER NOT NULL,
        received_at REAL NOT NULL,
        relayed_at REAL NOT NULL,
        added_ms REAL NOT NULL,
        end_to_end_ms REAL,
        delivered_at REAL NOT NULL
      );
      CREATE INDEX blocks_received_at ON blocks (received_at);
      CREATE TABLE events (
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        details TEXT NOT NULL       -- JSON object
      );
      CREATE INDEX events_at ON events (at);
    `),
  // 2: each raw sample's source (live probing or an SLA test run, which is its own record and never
  // part of the live figures) and the probe's own lateness. Older rows were all written by live
  // probing or by an SLA test without a mark; they read as live, which is what they were shown as.
  (db) =>
    db.exec(`
      ALTER TABLE samples ADD COLUMN source TEXT NOT NULL DEFAULT 'live';
      ALTER TABLE samples ADD COLUMN late_ms REAL;
    `),
  // 3: the probe's own busy time in each answer's window (null for older rows and unsent samples).
  (db) => db.exec('ALTER TABLE samples ADD COLUMN own_ms REAL;'),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function classify(file: string, err: unknown): HistoryOpenError {
  const message = err instanceof Error ? err.message : String(err);
  const corrupt = /not a database|malformed|corrupt|file is encrypted/i.test(message);
  return new HistoryOpenError(file, corrupt ? 'corrupt' : 'unopenable', err);
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version?: number } | undefined;
  return Number(row?.user_version ?? 0);
}

/** Open (creating if needed) and migrate. Throws HistoryOpenError naming the file. */
export function openDatabase(file: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    // Created empty and private first: SQLite gives the -wal and -shm files the database's mode.
    if (file !== ':memory:') closeSync(openSync(file, 'a', 0o600));
    db = new DatabaseSync(file);
  } catch (err) {
    throw classify(file, err);
  }
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    // Reading the schema forces SQLite to parse the header and first page: garbage fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) {
      throw new HistoryOpenError(
        file,
        'newer-schema',
        new Error(`schema version ${version}, this build knows up to ${SCHEMA_VERSION}`),
      );
    }
    for (let v = version; v < SCHEMA_VERSION; v++) {
      db.exec('BEGIN IMMEDIATE');
      try {
        MIGRATIONS[v]?.(db);
        db.exec(`PRAGMA user_version = ${v + 1}`);
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    }
    return db;
  } catch (err) {
    try {
      db.close();
    } catch {
      // Already unusable; the error below is the one that matters.
    }
    throw err instanceof HistoryOpenError ? err : classify(file, err);
  }
}

/** `PRAGMA integrity_check`: 'ok' or the problems SQLite lists. */
export function integrityCheck(db: DatabaseSync): string {
  const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).join('; ');
}

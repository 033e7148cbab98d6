import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyReportSource } from '../reports/history-source';
import { SCHEMA_VERSION } from './db';
import { HistoryStore } from './history-store';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'history-sources-'));
  file = path.join(dir, 'history.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () =>
  HistoryStore.open({
    file,
    retention: { rawDays: 7, aggregateDays: 90 },
    now: () => T0,
    flushIntervalMs: 60_000,
  });

async function collect(source: ReturnType<typeof historyReportSource>, from: number, to: number) {
  const out: Array<{ t: number }> = [];
  for await (const page of source.iterateSamples({ from, to }, 2)) out.push(...page);
  return out;
}

describe('sample sources: live probing and SLA test runs kept apart', () => {
  it('reads, charts and reports count live samples only unless asked', async () => {
    const store = open();
    store.addSamples('enterprise', [
      [T0 + 0, 1, true, 0.01],
      [T0 + 10, 1.2, true, 4.2],
    ]);
    store.addSamples(
      'enterprise',
      [
        [T0 + 5, 2, true, 0],
        [T0 + 15, 3, false, 0],
        [T0 + 25, 3, true, 0],
      ],
      'sla-test',
    );
    store.flush();
    expect(store.countSamples(T0, T0 + 100)).toBe(2);
    expect(store.countSamples(T0, T0 + 100, ['live', 'sla-test'])).toBe(5);
    expect(store.countSamples(T0, T0 + 100, ['sla-test'])).toBe(3);
    expect(store.query({ from: T0, to: T0 + 100, resolution: 'raw' }).points).toHaveLength(2);

    const live = historyReportSource(store);
    expect(await live.countSamples({ from: T0, to: T0 + 100 })).toBe(2);
    expect((await collect(live, T0, T0 + 100)).map((s) => s.t)).toEqual([T0, T0 + 10]);
    const both = historyReportSource(store, { includeSlaTest: true });
    expect(await both.countSamples({ from: T0, to: T0 + 100 })).toBe(5);
    expect(await collect(both, T0, T0 + 100)).toHaveLength(5);
    // The probe's own lateness is stored with the sample.
    store.close();
    const db = new DatabaseSync(file);
    expect(db.prepare('SELECT late_ms FROM samples WHERE t = ?').get(T0 + 10)).toEqual({ late_ms: 4.2 });
    db.close();
  });

  it('a database written before sources existed (schema 1) opens, its rows read as live', () => {
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE samples (t REAL NOT NULL, latency_ms REAL NOT NULL, ok INTEGER NOT NULL, tier TEXT NOT NULL);
      CREATE INDEX samples_t ON samples (t);
      CREATE TABLE aggregates (res_ms INTEGER NOT NULL, t INTEGER NOT NULL, tier TEXT NOT NULL, n INTEGER NOT NULL,
        misses INTEGER NOT NULL, sum_ms REAL NOT NULL, p50 REAL NOT NULL, p90 REAL NOT NULL, p99 REAL NOT NULL,
        p999 REAL NOT NULL, max REAL NOT NULL, hist BLOB NOT NULL, PRIMARY KEY (res_ms, t, tier)) WITHOUT ROWID;
      CREATE TABLE blocks (hash TEXT NOT NULL, height INTEGER NOT NULL, received_at REAL NOT NULL,
        relayed_at REAL NOT NULL, added_ms REAL NOT NULL, end_to_end_ms REAL, delivered_at REAL NOT NULL);
      CREATE TABLE events (at REAL NOT NULL, kind TEXT NOT NULL, details TEXT NOT NULL);
      INSERT INTO samples VALUES (${T0}, 1.5, 1, 'pro'), (${T0 + 100}, 2.5, 0, 'pro');
      PRAGMA user_version = 1;`);
    db.close();
    const store = open();
    expect(store.countSamples(T0, T0 + 1000)).toBe(2);
    const [page] = [...store.iterateSamples(T0, T0 + 1000, 10)];
    expect(page?.map((s) => [s.t, s.latencyMs, s.ok, s.tier, s.source])).toEqual([
      [T0, 1.5, true, 'pro', 'live'],
      [T0 + 100, 2.5, false, 'pro', 'live'],
    ]);
    store.close();
    const after = new DatabaseSync(file);
    expect(after.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    after.close();
  });

  it('new retention takes effect when set, not at the next hourly pass', () => {
    const store = open();
    store.addSamples('pro', [[T0 - 3 * 86_400_000, 1, true]]);
    store.flush();
    expect(store.countSamples(0, T0)).toBe(1);
    expect(store.setRetention({ rawDays: 1, aggregateDays: 90 }).samples).toBe(1);
    expect(store.countSamples(0, T0)).toBe(0);
    store.close();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryResult } from '../../../shared/metrics';
import { Aggregator } from '../metrics/aggregator';
import { newHistogram, percentilesMs, toMicros } from '../measure-core/hdr';
import { SCHEMA_VERSION, integrityCheck } from './db';
import { HistoryStore } from './history-store';
import { chooseResolution } from './query';
import { HistoryOpenError, type RawSample } from './types';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1); // a whole hour, so minutes and hours align with the data

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'history-test-'));
  file = path.join(dir, 'history.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(now = () => T0 + DAY): HistoryStore {
  return HistoryStore.open({
    file,
    retention: { rawDays: 7, aggregateDays: 90 },
    now,
    flushIntervalMs: 60_000,
  });
}

/** Samples at `rateHz` for [fromMs, toMs) with a deterministic spread of latencies. */
function makeSamples(fromMs: number, toMs: number, rateHz: number): RawSample[] {
  const out: RawSample[] = [];
  let i = 0;
  for (let t = fromMs; t < toMs; t += 1000 / rateHz, i++) {
    const latency = 0.2 + ((i * 7919) % 1000) / 250 + (i % 97 === 0 ? 40 : 0);
    out.push([t, latency, i % 211 !== 0]);
  }
  return out;
}

/** Feeds samples through the real aggregator and the store, as the measurement service does. */
function ingest(store: HistoryStore, samples: readonly RawSample[], tier: 'turbo' | 'free' = 'turbo'): void {
  const agg = new Aggregator({
    tier,
    targetMs: tier === 'turbo' ? 5 : 1000,
    objective: 0.999,
    timeoutMs: 1000,
    closeLagMs: 0,
  });
  agg.record(samples);
  store.addSamples(tier, samples);
  const last = samples.at(-1)?.[0] ?? 0;
  for (const s of agg.tick(last + 2000).closed) store.addSecond(s);
}

function reference(samples: readonly RawSample[]) {
  const h = newHistogram();
  let max = 0;
  for (const [, l, ok] of samples) {
    const us = toMicros(ok ? l : Math.max(l, 1000));
    h.recordValue(us);
    max = Math.max(max, us);
  }
  return percentilesMs(h, samples.length, max);
}

describe('HistoryStore', () => {
  it('round-trips samples, aggregates, blocks and events', () => {
    const store = open();
    const samples = makeSamples(T0, T0 + 120_000, 10);
    ingest(store, samples);
    store.addBlock({
      height: 7,
      hash: 'ab'.repeat(32),
      receivedAt: T0 + 5000,
      relayedAt: T0 + 5000.4,
      addedMs: 0.4,
      endToEndMs: 1.9,
      deliveredAt: T0 + 5001.5,
    });
    store.addEvent({ at: T0 + 6000, kind: 'tier-switch', details: { from: 'free', to: 'turbo' } });
    const counts = store.flush();
    expect(counts).toEqual({ samples: 1200, seconds: 120, blocks: 1, events: 1 });

    const raw = store.query({ from: T0, to: T0 + 10_000 });
    expect(HistoryResult.parse(raw)).toEqual(raw);
    expect(raw.resolution).toBe('raw');
    expect(raw.points.map((p) => [p.t, p.p50])).toEqual(samples.slice(0, 100).map(([t, l]) => [t, l]));
    expect(raw.blocks).toHaveLength(1);
    expect(raw.blocks[0]).toMatchObject({ height: 7, endToEndMs: 1.9 });
    expect(raw.events).toEqual([
      { at: T0 + 6000, kind: 'tier-switch', details: { from: 'free', to: 'turbo' } },
    ]);

    const perSecond = store.query({ from: T0, to: T0 + 120_000, maxPoints: 500 });
    expect(perSecond.resolution).toBe('1s');
    expect(perSecond.points).toHaveLength(120);
    expect(perSecond.points.reduce((n, p) => n + p.n, 0)).toBe(1200);

    // Minute points are merged histograms: equal to one histogram of that minute's samples.
    const perMinute = store.query({ from: T0, to: T0 + 120_000, resolution: '1m' });
    expect(perMinute.points).toHaveLength(2);
    const firstMinute = samples.filter(([t]) => t < T0 + 60_000);
    const ref = reference(firstMinute);
    expect(perMinute.points[0]).toMatchObject({ t: T0, n: 600, p50: ref?.p50, p99: ref?.p99 });
    const misses = firstMinute.filter(([, l, ok]) => !ok || l > 5).length;
    expect(perMinute.points[0]?.misses).toBe(misses);
    store.close();
  });

  it('merges buckets across resolutions and tiers from histograms, never averaging percentiles', () => {
    const store = open();
    const a = makeSamples(T0, T0 + 30_000, 10);
    const b = makeSamples(T0 + 30_000, T0 + 60_000, 10).map(([t, l, ok]) => [t, l * 3, ok] as const);
    ingest(store, a, 'turbo');
    ingest(store, b, 'free');
    store.flush();
    // Forcing 1 s over a minute with maxPoints 10 widens buckets to 6 s: each point merges 6 rows.
    const widened = store.query({ from: T0, to: T0 + 60_000, resolution: '1s', maxPoints: 10 });
    expect(widened.bucketMs).toBe(6000);
    expect(widened.points).toHaveLength(10);
    const ref6 = reference(a.filter(([t]) => t < T0 + 6000));
    expect(widened.points[0]).toMatchObject({ n: 60, p50: ref6?.p50, p99: ref6?.p99 });
    // The minute holds two tiers' rows: merged into one point.
    const minute = store.query({ from: T0, to: T0 + 60_000, resolution: '1m' });
    const refAll = reference([...a, ...b]);
    expect(minute.points).toEqual([
      expect.objectContaining({ t: T0, n: 600, p50: refAll?.p50, p99: refAll?.p99 }),
    ]);
    store.close();
  });

  it('continues the same minute after a reopen (rollups reload from their stored row)', () => {
    const samples = makeSamples(T0, T0 + 60_000, 10);
    let store = open();
    ingest(store, samples.slice(0, 300));
    store.close();
    store = open();
    ingest(store, samples.slice(300));
    store.close();
    store = open();
    const minute = store.query({ from: T0, to: T0 + 60_000, resolution: '1m' });
    const ref = reference(samples);
    expect(minute.points).toEqual([expect.objectContaining({ n: 600, p50: ref?.p50, p99: ref?.p99 })]);
    const hour = store.query({ from: T0, to: T0 + 3_600_000, resolution: '1h' });
    expect(hour.points).toEqual([expect.objectContaining({ n: 600, p99: ref?.p99 })]);
    store.close();
  });

  it('merges a second stored twice instead of losing half of it', () => {
    const store = open();
    const first = makeSamples(T0, T0 + 500, 10);
    const second = makeSamples(T0 + 500, T0 + 1000, 10);
    ingest(store, first);
    store.flush();
    ingest(store, second);
    store.flush();
    const s = store.query({ from: T0, to: T0 + 1000, resolution: '1s' });
    expect(s.points).toEqual([
      expect.objectContaining({ n: 10, p99: reference([...first, ...second])?.p99 }),
    ]);
    store.close();
  });

  it('retention deletes raw rows older than rawDays and aggregates older than aggregateDays', () => {
    const now = T0 + 100 * DAY;
    const store = open(() => now);
    ingest(store, makeSamples(now - 95 * DAY, now - 95 * DAY + 2000, 10)); // beyond both
    ingest(store, makeSamples(now - 8 * DAY, now - 8 * DAY + 2000, 10)); // raw expired, aggregates kept
    ingest(store, makeSamples(now - DAY, now - DAY + 2000, 10)); // kept
    store.addEvent({ at: now - 95 * DAY, kind: 'relay-crash', details: {} });
    store.flush();
    const deleted = store.applyRetention();
    // 20 raw rows from each of the two old ranges; 2 seconds + 1 minute + 1 hour rows from the oldest.
    expect(deleted).toEqual({ samples: 40, aggregates: 4, blocks: 0, events: 1 });
    expect(store.countSamples(0, now)).toBe(20);
    const eightDays = store.query({ from: now - 8 * DAY, to: now - 8 * DAY + 2000, resolution: '1s' });
    expect(eightDays.points.reduce((n, p) => n + p.n, 0)).toBe(20);
    store.close();
  });

  it('retention also runs at open', () => {
    const now = T0 + 100 * DAY;
    let store = open(() => T0);
    ingest(store, makeSamples(T0, T0 + 1000, 10));
    store.close();
    store = open(() => now);
    expect(store.countSamples(0, now)).toBe(0);
    store.close();
  });

  it('pages raw samples in order and finds the last event of a kind before an instant', () => {
    const store = open();
    const samples = makeSamples(T0, T0 + 2500, 10);
    ingest(store, samples);
    store.addEvent({ at: T0 + 10, kind: 'sla-breach', details: { window: '15m' } });
    store.addEvent({ at: T0 + 20, kind: 'tier-switch', details: {} });
    store.flush();
    const pages = [...store.iterateSamples(T0, T0 + 2500, 7)];
    expect(pages.flat().map((s) => s.t)).toEqual(samples.map(([t]) => t));
    expect(pages[0]).toHaveLength(7);
    expect(store.lastEventBefore(T0 + 100, ['sla-breach', 'sla-recovered'])).toMatchObject({
      kind: 'sla-breach',
      details: { window: '15m' },
    });
    expect(store.lastEventBefore(T0 + 5, ['sla-breach'])).toBeNull();
    store.close();
  });

  it('stores each sample’s lateness and the probe’s own time, and reads them back', () => {
    const store = open();
    ingest(store, [
      [T0, 0.5, true, 0.01, 0.07],
      [T0 + 100, 0.6, true, -0.2],
      [T0 + 200, 1000, false],
    ]);
    store.flush();
    const rows = [...store.iterateSamples(T0, T0 + 1000, 10)].flat();
    expect(rows.map((r) => [r.lateMs, r.ownMs])).toEqual([
      [0.01, 0.07],
      [-0.2, null],
      [null, null],
    ]);
    store.close();
  });

  it('a corrupt file is a typed error naming the file; a newer schema is refused', () => {
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    let error: unknown;
    try {
      open();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HistoryOpenError);
    expect(error).toMatchObject({ file, reason: 'corrupt' });
    expect(String(error)).toContain(file);

    rmSync(file);
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => open()).toThrow(expect.objectContaining({ reason: 'newer-schema' }));
  });

  it('opens in WAL mode at the current schema version and passes an integrity check', () => {
    open().close();
    const db = new DatabaseSync(file);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(integrityCheck(db)).toBe('ok');
    db.close();
  });

  it('flushes by itself within the flush interval', async () => {
    const store = HistoryStore.open({
      file,
      retention: { rawDays: 7, aggregateDays: 90 },
      flushIntervalMs: 100,
    });
    store.addSamples('turbo', [[Date.now(), 1, true]]);
    expect(store.pending).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(store.pending).toBe(0);
    const reader = new DatabaseSync(file);
    expect(reader.prepare('SELECT count(*) AS c FROM samples').get()).toEqual({ c: 1 });
    reader.close();
    store.close();
  });
});

describe('chooseResolution', () => {
  const q = (from: number, to: number, resolution: 'auto' | 'raw' | '1s' | '1m' | '1h' = 'auto') => ({
    from,
    to,
    resolution,
    maxPoints: 2000,
  });
  it('picks the finest resolution under maxPoints', () => {
    expect(chooseResolution(q(0, 100_000), () => 1000)).toEqual({ resolution: 'raw', bucketMs: 0 });
    expect(chooseResolution(q(0, 1_000_000), () => 2001)).toEqual({ resolution: '1s', bucketMs: 1000 });
    expect(chooseResolution(q(0, DAY), () => 2001)).toEqual({ resolution: '1m', bucketMs: 60_000 });
    expect(chooseResolution(q(0, 30 * DAY), () => 2001)).toEqual({ resolution: '1h', bucketMs: 3_600_000 });
    expect(chooseResolution(q(0, 365 * DAY), () => 2001)).toEqual({
      resolution: '1h',
      bucketMs: 5 * 3_600_000,
    });
  });
  it('widens a forced resolution instead of returning too many points', () => {
    expect(chooseResolution(q(0, DAY, '1s'), () => 0)).toEqual({ resolution: '1s', bucketMs: 44_000 });
    expect(chooseResolution(q(0, 1000, '1h'), () => 0)).toEqual({ resolution: '1h', bucketMs: 3_600_000 });
  });
});

import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HistoryStore } from '../electron/services/history/history-store';
import type { RawSample, SecondAggregate } from '../electron/services/history/types';
import { Aggregator } from '../electron/services/metrics/aggregator';
import { median, percentile, tempDir } from './support';
import type { BenchSection } from './types';

const RATE_HZ = 10;
const DAY_MS = 86_400_000;
const CHUNK_MS = 60_000;
const LIVE_FLUSHES = 300;
const QUERY_RUNS = 7;

/** A relay-like latency series: ~0.3–1.5 ms, a slow one now and then, an error once in a while. */
function samplesBetween(from: number, to: number, seed: { i: number }): RawSample[] {
  const out: RawSample[] = [];
  for (let t = from; t < to; t += 1000 / RATE_HZ) {
    const i = seed.i++;
    const jitter = ((i * 2654435761) >>> 0) / 2 ** 32;
    const slow = i % 997 === 0 ? 40 : 0;
    out.push([t, Math.round((0.3 + jitter * 1.2 + slow) * 1000) / 1000, i % 5003 !== 0]);
  }
  return out;
}

function aggregate(aggregator: Aggregator, samples: readonly RawSample[], until: number): SecondAggregate[] {
  aggregator.record(samples);
  return aggregator.tick(until).closed;
}

/**
 * History store figures: a day of 10 Hz probe samples (864,000 rows) written through the real writer
 * path (addSamples/addSecond/flush: raw rows, per-second aggregates with their HDR histograms, and the
 * minute/hour rollups), the cost of the live once-a-second flush, and a day queried at auto resolution.
 */
export async function runHistoryBench(): Promise<BenchSection> {
  const dir = tempDir('history');
  const file = path.join(dir, 'history.db');
  try {
    const store = HistoryStore.open({
      file,
      retention: { rawDays: 7, aggregateDays: 90 },
      flushIntervalMs: 3_600_000, // flushes are driven by the bench
    });
    const aggregator = new Aggregator({
      tier: 'turbo',
      targetMs: 5,
      objective: 0.999,
      timeoutMs: 1000,
      closeLagMs: 0,
    });
    const end = Math.floor(Date.now() / CHUNK_MS) * CHUNK_MS - CHUNK_MS;
    const start = end - DAY_MS;
    const seed = { i: 0 };

    // Bulk: a minute of data per flush (what the writer does after any backlog). Only the store's
    // calls are timed; generating and aggregating the samples is not the writer's cost.
    let rows = 0;
    let bulkMs = 0;
    for (let t = start; t < end; t += CHUNK_MS) {
      const samples = samplesBetween(t, t + CHUNK_MS, seed);
      const seconds = aggregate(aggregator, samples, t + CHUNK_MS);
      const t0 = performance.now();
      store.addSamples('turbo', samples);
      for (const s of seconds) store.addSecond(s);
      store.flush();
      bulkMs += performance.now() - t0;
      rows += samples.length;
    }

    // Live: one second of data per flush, as the panel writes while measuring.
    const liveUs: number[] = [];
    for (let i = 0, t = end; i < LIVE_FLUSHES; i++, t += 1000) {
      const samples = samplesBetween(t, t + 1000, seed);
      const seconds = aggregate(aggregator, samples, t + 1000);
      const t0 = performance.now();
      store.addSamples('turbo', samples);
      for (const s of seconds) store.addSecond(s);
      store.flush();
      liveUs.push((performance.now() - t0) * 1000);
    }

    const timeQuery = (from: number, to: number) => {
      const times: number[] = [];
      let result = store.query({ from, to });
      for (let i = 0; i < QUERY_RUNS; i++) {
        const t0 = performance.now();
        result = store.query({ from, to });
        times.push(performance.now() - t0);
      }
      return { ms: median(times), points: result.points.length, resolution: result.resolution };
    };
    const firstDayT0 = performance.now();
    store.query({ from: start, to: end });
    const firstDayMs = performance.now() - firstDayT0;
    const day = timeQuery(start, end);
    const hour = timeQuery(end - 3_600_000, end);
    const tenMinutes = timeQuery(end - 600_000, end);
    store.close();
    const fileMb = statSync(file).size / 2 ** 20;
    const rowsPerSecond = rows / (bulkMs / 1000);

    return {
      title: 'History: SQLite writer and queries (24 h at 10 Hz)',
      rows: [
        {
          metric: `insert rate, ${rows.toLocaleString('en')} raw rows + per-second aggregates + rollups`,
          value: rowsPerSecond,
          unit: 'rows/s',
          target: '≥ 100,000 rows/s',
          met: rowsPerSecond >= 100_000,
        },
        { metric: 'live flush (1 s of data), median', value: median(liveUs), unit: 'µs' },
        { metric: 'live flush (1 s of data), p99', value: percentile(liveUs, 99), unit: 'µs' },
        {
          metric: `24 h query, auto resolution (${day.resolution}, ${day.points} points), median of ${QUERY_RUNS}`,
          value: day.ms,
          unit: 'ms',
          target: '≤ 100 ms',
          met: day.ms <= 100,
        },
        { metric: '24 h query, first (cold statement cache)', value: firstDayMs, unit: 'ms' },
        { metric: `1 h query (${hour.resolution}, ${hour.points} points)`, value: hour.ms, unit: 'ms' },
        {
          metric: `10 min query (${tenMinutes.resolution}, ${tenMinutes.points} points)`,
          value: tenMinutes.ms,
          unit: 'ms',
        },
        { metric: 'database size for the day', value: fileMb, unit: 'MB' },
      ],
      raw: {
        rateHz: RATE_HZ,
        rows,
        bulkMs,
        flushesBulk: DAY_MS / CHUNK_MS,
        liveFlushes: LIVE_FLUSHES,
        liveUsP50: median(liveUs),
        liveUsMax: Math.max(...liveUs),
        queries: { day, hour, tenMinutes, firstDayMs },
        fileMb,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

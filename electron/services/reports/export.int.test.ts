import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportResult, ReportSummary, type ReportProgress, type ReportRequest } from '../../../shared/report';
import { isWithinTarget } from '../../../shared/sla';
import { summarizeSla } from '../../../shared/verdict';
import { TIERS, type TierName } from '../../../shared/tiers';
import type { HistoryStore } from '../history/history-store';
import { exportReport, type ExportOptions } from './export';
import { historyReportSource } from './history-source';
import type { RawSample } from './source';
import { writeHistory } from './test-support/write-history';
import {
  TEST_LAUNCH,
  TEST_MACHINE,
  effectiveMs,
  exactPercentile,
  generateHistory,
} from './test-support/generated-history';

/**
 * Export against a real SQLite file written through the history store's own writer (and the live
 * aggregator, as the measurement service feeds it), then every format parsed back and checked
 * against figures computed here, independently, from the generated samples.
 */

const history = generateHistory(30_000); // 50 min at 10 Hz: turbo for 30 min, then pro
const { range } = history;
let dir: string;
let out: string;
let store: HistoryStore;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'report-int-'));
  out = path.join(dir, 'out');
  store = writeHistory(path.join(dir, 'history.db'), history);
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(
  format: ReportRequest['format'],
  tier: TierName,
  extra: Partial<ExportOptions> = {},
): Promise<ReportResult> {
  return exportReport(
    { ...range, tier, format },
    {
      source: historyReportSource(store),
      dir: out,
      launch: TEST_LAUNCH,
      relayVersion: 'sprint-relay 0.1.0',
      machine: TEST_MACHINE,
      probeTimeoutMs: 1000,
      ...extra,
    },
  );
}

/** The figures, computed here from the generated samples without any of the report code. */
function expected(tier: TierName) {
  const mine = history.samples.filter((s) => s.tier === tier);
  const sorted = Float64Array.from(mine, (s) => effectiveMs(s)).sort();
  const misses = mine.filter((s) => !isWithinTarget(s.ok, s.latencyMs, TIERS[tier].targetMs)).length;
  const seconds = new Map<number, boolean>();
  for (const s of mine)
    seconds.set(Math.floor(s.t / 1000), (seconds.get(Math.floor(s.t / 1000)) ?? false) || s.ok);
  return {
    rows: mine,
    n: mine.length,
    misses,
    sumMs: mine.reduce((a, s) => a + s.latencyMs, 0),
    okCount: mine.filter((s) => s.ok).length,
    p: {
      p50: exactPercentile(sorted, 0.5),
      p90: exactPercentile(sorted, 0.9),
      p99: exactPercentile(sorted, 0.99),
      p999: exactPercentile(sorted, 0.999),
    },
    max: sorted[sorted.length - 1]!,
    sla: summarizeSla({ n: mine.length, misses }, TIERS[tier]),
    uptime: [...seconds.values()].filter(Boolean).length / seconds.size,
  };
}

/** Within HDR precision: 3 significant digits, and the probe's µs resolution. */
function expectHdrClose(actual: number | null, exact: number, label: string): void {
  expect(actual, label).not.toBeNull();
  expect(Math.abs(actual! - exact), `${label}: ${actual} vs exact ${exact}`).toBeLessThanOrEqual(
    exact * 1e-3 + 1e-3,
  );
}

function parseCsv(text: string): RawSample[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  expect(header).toBe('timestamp,latency_ms,ok,tier,late_ms,own_ms');
  const ms = (field: string | undefined) => (field === '' || field === undefined ? null : Number(field));
  return lines.map((line) => {
    const [ts, latency, ok, tier, late, own] = line.split(',');
    expect(ok === 'true' || ok === 'false', line).toBe(true);
    return {
      t: Date.parse(ts!),
      latencyMs: Number(latency),
      ok: ok === 'true',
      tier: tier!,
      lateMs: ms(late),
      ownMs: ms(own),
    };
  });
}

describe('reports over a real history database', () => {
  it('CSV: one row per sample of the tier, every field as written, per tier', async () => {
    let total = 0;
    for (const tier of ['turbo', 'pro'] as const) {
      const e = expected(tier);
      const rows = parseCsv(readFileSync((await run('csv', tier)).path, 'utf8'));
      expect(rows).toHaveLength(e.n);
      expect(rows.every((r) => r.tier === tier)).toBe(true);
      expect(rows.map((r) => r.t)).toEqual(e.rows.map((s) => s.t));
      expect(rows.filter((r) => r.ok)).toHaveLength(e.okCount);
      expect(rows.reduce((a, r) => a + r.latencyMs, 0)).toBeCloseTo(e.sumMs, 6);
      // The probe's lateness, as stored, in its own column.
      expect(rows.map((r) => r.lateMs)).toEqual(e.rows.map((s) => s.lateMs));
      expect(rows.map((r) => r.ownMs)).toEqual(e.rows.map((s) => s.ownMs));
      total += rows.length;
    }
    expect(total).toBe(30_000);
  });

  it('JSON: samples and a summary equal to an independent computation', async () => {
    const result = await run('json', 'turbo');
    const doc = JSON.parse(readFileSync(result.path, 'utf8')) as {
      request: unknown;
      samples: Array<Record<string, unknown>>;
      summary: unknown;
    };
    const summary = ReportSummary.parse(doc.summary);
    // What the API would validate the command's result against.
    expect(ReportResult.parse(result)).toEqual(result);
    const e = expected('turbo');
    expect(doc.samples).toHaveLength(e.n);
    expect(doc.samples[0]).toEqual({
      timestamp: new Date(e.rows[0]!.t).toISOString(),
      latency_ms: e.rows[0]!.latencyMs,
      ok: e.rows[0]!.ok,
      tier: 'turbo',
      late_ms: e.rows[0]!.lateMs,
      own_ms: e.rows[0]!.ownMs,
    });
    expect(summary.latency).toMatchObject({ n: e.n, misses: e.misses, max: e.max });
    for (const key of ['p50', 'p90', 'p99', 'p999'] as const)
      expectHdrClose(summary.latency[key], e.p[key], key);
    expect(summary.sla).toEqual(e.sla);
    expect(summary.availability.uptime).toBeCloseTo(e.uptime, 12);
    expect(summary.otherTiers).toEqual([{ tier: 'pro', n: 30_000 - e.n }]);
    // 18,000 turbo samples with 0.1% failures and 0.2% slow: 99.9% is not met.
    expect(summary.sla.verdict).toBe('below objective');
    expect(summary.blocks.count).toBe(history.blocks.filter((b) => b.receivedAt < history.switchAt).length);
    expect(summary.breaches).toMatchObject({
      window: '15m',
      count: 1,
      longest: { window: '15m', durationMs: 30_000, open: false },
      byWindow: [
        { window: '15m', count: 1, totalMs: 30_000, longestMs: 30_000 },
        { window: '1h', count: 1, totalMs: 85_000, longestMs: 85_000 },
      ],
    });
    // The crash at 6:40 and its restart, and the restart that ended turbo at the switch (tier attribution).
    expect(summary.restarts).toEqual({
      relayRestarts: 2,
      relayCrashes: 1,
      probeRestarts: 0,
      probeCrashes: 0,
    });
    expect(summary.launch).toEqual(TEST_LAUNCH);
  });

  it('HTML: the shown figures carry the summary, and the page can load and run nothing', async () => {
    const result = await run('html', 'pro');
    const html = readFileSync(result.path, 'utf8');
    const figures = new Map(
      [...html.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const e = expected('pro');
    expect(Number(figures.get('n'))).toBe(e.n);
    expect(Number(figures.get('misses'))).toBe(e.misses);
    expect(Number(figures.get('compliance'))).toBe(e.sla.compliance);
    expect(Number(figures.get('missUpperBound95'))).toBe(e.sla.missUpperBound95);
    expect(figures.get('verdict')).toBe(e.sla.verdict);
    for (const key of ['p50', 'p90', 'p99', 'p999'] as const)
      expectHdrClose(Number(figures.get(key)), e.p[key], key);
    expect(Number(figures.get('max'))).toBe(e.max);
    expect(figures.get('tier')).toBe('pro');
    expect(Number(figures.get('targetMs'))).toBe(300);
    expect(Number(figures.get('relayRestarts'))).toBe(0);
    expect(Number(figures.get('breaches'))).toBe(0);
    expect(Number(figures.get('blocks'))).toBe(
      history.blocks.filter((b) => b.receivedAt >= history.switchAt).length,
    );
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;/,
    );
    expect(html).not.toMatch(/<script/i);
    // No URL but the SVG namespace: nothing to fetch.
    expect([...html.matchAll(/\bhttps?:\/\/[^\s"'<>]+/g)].map((m) => m[0])).toEqual(
      expect.arrayContaining(['http://www.w3.org/2000/svg']),
    );
    expect(new Set([...html.matchAll(/\bhttps?:\/\/[^\s"'<>]+/g)].map((m) => m[0]))).toEqual(
      new Set(['http://www.w3.org/2000/svg']),
    );
  });

  it('progress only grows and ends at the total of every tier', async () => {
    const seen: ReportProgress[] = [];
    await run('csv', 'turbo', { onProgress: (p) => seen.push(p), pageSize: 1000 });
    expect(seen.length).toBeGreaterThan(30);
    expect(seen.every((p) => p.total === 30_000)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    expect(seen.at(-1)).toEqual({ done: 30_000, total: 30_000 });
  });

  it('cancel mid-export leaves no file, for each format', async () => {
    const before = new Set(readdirSync(out));
    for (const format of ['csv', 'json', 'html'] as const) {
      const controller = new AbortController();
      const pending = run(format, 'turbo', {
        signal: controller.signal,
        pageSize: 1000,
        onProgress: (p) => p.done >= 10_000 && controller.abort(),
      });
      await expect(pending, format).rejects.toMatchObject({ name: 'AbortError' });
    }
    expect(readdirSync(out).filter((f) => !before.has(f))).toEqual([]);
  });
});

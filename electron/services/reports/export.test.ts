import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PDF_NEEDS_DESKTOP,
  ReportSummary,
  type ReportProgress,
  type ReportRequest,
} from '../../../shared/report';
import { ReportError } from './report-error';
import { exportReport, type ExportOptions } from './export';
import { REPORT_CSP } from './html';
import { escapeXml } from './markup';
import {
  MemorySource,
  TEST_MACHINE,
  effectiveMs,
  exactPercentile,
  generateHistory,
} from './test-support/generated-history';

const history = generateHistory(6000);
const { range } = history;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'report-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function options(extra: Partial<ExportOptions> = {}): ExportOptions {
  return {
    source: new MemorySource(history),
    dir,
    launch: null,
    relayVersion: 'sprint-relay 0.1.0',
    machine: TEST_MACHINE,
    now: () => range.to + 1000,
    pageSize: 500,
    ...extra,
  };
}

const request = (format: ReportRequest['format'], tier: ReportRequest['tier'] = 'turbo'): ReportRequest => ({
  ...range,
  tier,
  format,
});

describe('exportReport', () => {
  it('writes the CSV rows of the requested tier only, formatted to reproduce the samples', async () => {
    const result = await exportReport(request('csv'), options());
    const lines = readFileSync(result.path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,latency_ms,ok,tier,late_ms,own_ms');
    const turbo = history.samples.filter((s) => s.tier === 'turbo');
    expect(lines).toHaveLength(turbo.length + 1);
    expect(lines[1]).toBe(
      `${new Date(turbo[0]!.t).toISOString()},${turbo[0]!.latencyMs.toFixed(3)},true,turbo,${turbo[0]!.lateMs!.toFixed(3)},${turbo[0]!.ownMs!.toFixed(3)}`,
    );
    expect(result.summary.latency.n).toBe(turbo.length);
    expect(result.summary.otherTiers).toEqual([{ tier: 'pro', n: history.samples.length - turbo.length }]);
    expect(result.fileName).toMatch(/^sprint-report_turbo_20261120T120000Z-\d{8}T\d{6}Z\.csv$/);
    expect(readdirSync(dir)).toEqual([result.fileName]);
  });

  it('computes percentiles within HDR precision of the exact ones, and exact counts', async () => {
    const { summary } = await exportReport(request('json'), options());
    const turbo = history.samples.filter((s) => s.tier === 'turbo');
    const sorted = Float64Array.from(turbo, (s) => effectiveMs(s)).sort();
    for (const [q, key] of [
      [0.5, 'p50'],
      [0.9, 'p90'],
      [0.99, 'p99'],
      [0.999, 'p999'],
    ] as const) {
      const exact = exactPercentile(sorted, q);
      expect(Math.abs(summary.latency[key]! - exact), key).toBeLessThanOrEqual(exact * 1e-3 + 1e-3);
    }
    expect(summary.latency.max).toBe(sorted[sorted.length - 1]);
    const misses = turbo.filter((s) => !s.ok || s.latencyMs > 5).length;
    expect(summary.latency.misses).toBe(misses);
    expect(summary.sla.compliance).toBeCloseTo((turbo.length - misses) / turbo.length, 12);
  });

  it('writes JSON whose samples and summary parse back and agree', async () => {
    const result = await exportReport(request('json', 'pro'), options());
    const doc = JSON.parse(readFileSync(result.path, 'utf8')) as { samples: unknown[]; summary: unknown };
    const summary = ReportSummary.parse(doc.summary);
    expect(doc.samples).toHaveLength(summary.latency.n);
    expect(summary).toEqual(result.summary);
    // The crash and its restart came after the switch to pro; the switch's own restart was turbo's.
    expect(summary.restarts).toMatchObject({ relayRestarts: 1, relayCrashes: 1 });
  });

  it('reports progress that only grows and ends at the total, and reads in pages', async () => {
    const seen: ReportProgress[] = [];
    const source = new MemorySource(history);
    await exportReport(request('csv'), options({ source, onProgress: (p) => seen.push(p) }));
    expect(seen[0]).toEqual({ done: 0, total: history.samples.length });
    expect(seen.at(-1)).toEqual({ done: history.samples.length, total: history.samples.length });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    expect(source.pagesRead).toBe(history.samples.length / 500);
  });

  it('leaves no file behind when cancelled mid-export', async () => {
    const controller = new AbortController();
    const pending = exportReport(
      request('json'),
      options({ signal: controller.signal, onProgress: (p) => p.done >= 2000 && controller.abort() }),
    );
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves no file behind when the source fails mid-read', async () => {
    const source = new MemorySource(history);
    const failing = Object.assign(Object.create(source) as MemorySource, {
      async *iterateSamples() {
        yield history.samples.slice(0, 10);
        throw new Error('database is locked');
      },
    });
    const pending = exportReport(request('csv'), options({ source: failing }));
    await expect(pending).rejects.toThrow(/Report export failed: database is locked/);
    await expect(pending).rejects.toMatchObject({ code: 'INTERNAL', reason: 'export-failed' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses PDF without a renderer with the message headless users see, before writing anything', async () => {
    const pending = exportReport(request('pdf'), options());
    await expect(pending).rejects.toBeInstanceOf(ReportError);
    await expect(pending).rejects.toMatchObject({ reason: 'pdf-unavailable', message: PDF_NEEDS_DESKTOP });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prints PDF through the injected renderer and removes its temporary HTML', async () => {
    let printed = '';
    const renderPdf = async (htmlPath: string, pdfPath: string) => {
      printed = readFileSync(htmlPath, 'utf8');
      expect(path.dirname(htmlPath)).toBe(dir);
      await copyFile(htmlPath, pdfPath);
    };
    const result = await exportReport(request('pdf'), options({ renderPdf }));
    expect(printed).toContain(`content="${escapeXml(REPORT_CSP)}"`);
    expect(readdirSync(dir)).toEqual([result.fileName]);
    expect(result.fileName.endsWith('.pdf')).toBe(true);
  });

  it('cleans up when the PDF renderer fails', async () => {
    const renderPdf = async () => Promise.reject(new Error('renderer gone'));
    await expect(exportReport(request('pdf'), options({ renderPdf }))).rejects.toMatchObject({
      reason: 'pdf-failed',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an empty PDF from a renderer that wrote nothing', async () => {
    const renderPdf = async () => undefined;
    await expect(exportReport(request('pdf'), options({ renderPdf }))).rejects.toMatchObject({
      reason: 'pdf-failed',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never overwrites an earlier export of the same period', async () => {
    const a = await exportReport(request('csv'), options());
    const b = await exportReport(request('csv'), options());
    expect(b.fileName).toBe(a.fileName.replace('.csv', '-2.csv'));
  });

  it('gives two exports finishing together two names', async () => {
    const results = await Promise.all([1, 2, 3].map(() => exportReport(request('csv'), options())));
    expect(new Set(results.map((r) => r.fileName)).size).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(results.map((r) => r.fileName).sort());
  });

  it('rejects a reversed period with a typed error', async () => {
    const bad = { ...request('csv'), from: range.to, to: range.from };
    await expect(exportReport(bad, options())).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      reason: 'invalid-request',
    });
  });

  it('exports an empty period as no data', async () => {
    const empty = { ...request('html'), from: range.to + 10_000, to: range.to + 20_000 };
    const result = await exportReport(empty, options());
    expect(result.summary.latency.n).toBe(0);
    expect(result.summary.sla.verdict).toBe('no data');
    expect(readFileSync(result.path, 'utf8')).toContain('No samples of this tier in the period');
  });
});

import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDelivery } from '../../../shared/api';
import type { ReportResult } from '../../../shared/report';
import { createAppServices, type AppServices } from '../app-services';
import { relayResources } from '../supervisor/relay-service';
import { STORED_REPORT_LIMITS } from './stored-reports';
import { generateHistory } from './test-support/generated-history';
import { writeHistory } from './test-support/write-history';

/**
 * Issue 25: "7 of 600 concurrent exports failed with ENOENT" because one export's pruning removed
 * another's fresh file. Here 600 exports go at once through the real `report.export` command (the
 * dispatcher, the exporter, the history in a real SQLite file, the pruning after each), into a
 * reports folder already over its count limit with old reports, so every prune has work to do.
 */

const CONCURRENT = 600;
const OLD_REPORTS = STORED_REPORT_LIMITS.maxCount + 10;

let dataDir: string;
let services: AppServices;
const history = generateHistory(600, { start: Date.now() - 10 * 60_000 }); // 1 min at 10 Hz

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-concurrent-export-'));
  writeHistory(path.join(dataDir, 'history.sqlite'), history).close();
  services = createAppServices({ dataDir, resources: relayResources('/nonexistent') });
  // Reports from an hour ago, more than the folder keeps: pruning removes these, and only these.
  mkdirSync(services.reportsDir, { recursive: true });
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (let i = 0; i < OLD_REPORTS; i++) {
    const file = path.join(services.reportsDir, `old-report-${i}.csv`);
    writeFileSync(file, 'old\n');
    utimesSync(file, hourAgo, hourAgo);
  }
});

afterAll(async () => {
  await services?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`${CONCURRENT} concurrent exports through report.export`, () => {
  it('none fails, every returned file exists whole, and pruning removes only the old reports', async () => {
    const signal = new AbortController().signal;
    const formats = ['csv', 'json', 'html'] as const;
    const tiers = ['turbo', 'pro'] as const;
    const { from, to } = history.range;
    const began = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: CONCURRENT }, (_, i) =>
        services.dispatch(
          'report.export',
          { from, to, tier: tiers[i % 2], format: formats[i % 3] },
          { signal },
        ),
      ),
    );
    const seconds = (performance.now() - began) / 1000;

    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    expect(failures.slice(0, 5), `${failures.length} of ${CONCURRENT} failed`).toEqual([]);
    const results = settled.map(
      (s) => (s as PromiseFulfilledResult<{ report: ReportResult; delivery: ReportDelivery }>).value,
    );
    // Each export has a file of its own (same period and format: name-2.csv, name-3.csv…)...
    expect(new Set(results.map((r) => r.report.path)).size).toBe(CONCURRENT);
    // ...still there once all have finished, whole, and offered as the download it names.
    for (const { report, delivery } of results) {
      expect(statSync(report.path, { throwIfNoEntry: false })?.size, report.fileName).toBe(report.bytes);
      // Reports of the history in the file, not empty ones: both tiers have samples in the period.
      expect(report.summary.latency.n, report.fileName).toBeGreaterThan(0);
      expect(delivery).toEqual({ kind: 'download', url: `/reports/${encodeURIComponent(report.fileName)}` });
    }
    const left = readdirSync(services.reportsDir);
    expect(left.filter((name) => name.startsWith('old-report-'))).toEqual([]);
    expect(left.filter((name) => name.startsWith('.'))).toEqual([]);
    expect(left).toHaveLength(CONCURRENT);
    // Bounded: small reports, so this is seconds (shared machine: generous).
    expect(seconds).toBeLessThan(60);
  }, 90_000);
});

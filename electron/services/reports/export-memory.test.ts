import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, expect, it } from 'vitest';
import { exportReport } from './export';
import type { RawSample, ReportSource, TimeRange } from './source';
import { TEST_MACHINE } from './test-support/generated-history';

/**
 * A day at 10 Hz (864,000 samples) exported as CSV with the live heap measured along the way: the
 * file is about 40 MB, so building it in memory would show; streaming keeps the heap flat.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 10, 19);
const COUNT = 864_000;

/** Generates its samples page by page, holding none: only the exporter's memory is measured. */
const lazyDay: ReportSource = {
  countSamples: async () => COUNT,
  async *iterateSamples(range: TimeRange, pageSize: number) {
    for (let i = 0; i < COUNT; i += pageSize) {
      const page: RawSample[] = [];
      for (let j = i; j < Math.min(COUNT, i + pageSize); j++) {
        page.push({
          t: range.from + j * 100,
          latencyMs: 0.5 + ((j * 7919) % 4000) / 1000,
          ok: j % 5000 !== 0,
          tier: 'turbo',
        });
      }
      yield page;
    }
  },
  blocks: async () => [],
  events: async () => [],
  lastEventBefore: async () => null,
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'report-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps the heap flat over a 24 h × 10 Hz CSV export', async () => {
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = 0;
  let pages = 0;
  const result = await exportReport(
    { from: FROM, to: FROM + DAY, tier: 'turbo', format: 'csv' },
    {
      source: lazyDay,
      dir,
      launch: null,
      relayVersion: 'test',
      machine: TEST_MACHINE,
      onProgress: () => {
        // Live memory, not garbage awaiting collection: collect before reading.
        if (++pages % 16 !== 0) return;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      },
    },
  );
  expect(result.summary.latency.n).toBe(COUNT);
  expect(statSync(result.path).size).toBeGreaterThan(35_000_000);
  // One page of rows and its CSV text (~0.5 MB) plus the histograms and chart points; 16 MB leaves
  // room for V8's own variance and is still well under the 40 MB a buffered file would hold.
  expect(peak).toBeLessThan(16 * 1024 * 1024);
}, 30_000);

import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportReport } from '../electron/services/reports/export';
import { VERDICT_WORDS } from '../shared/verdict';
import { historyReportSource } from '../electron/services/reports/history-source';
import { writeHistory } from '../electron/services/reports/test-support/write-history';
import {
  TEST_LAUNCH,
  TEST_MACHINE,
  generateHistory,
} from '../electron/services/reports/test-support/generated-history';
import type { ReportResult } from '../shared/report';

/**
 * The HTML report in a real Chromium: it renders with no request beyond itself, runs no script even
 * when one is injected, shows the figures of its data, and prints to a clean A4 PDF.
 */

const SHOTS = 'e2e/screenshots';
let dir: string;
let html: ReportResult;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'report-e2e-'));
  // An hour at 10 Hz, turbo then pro, written to a real SQLite file through the history store.
  const history = generateHistory(36_000);
  const store = writeHistory(path.join(dir, 'history.db'), history);
  html = await exportReport(
    { ...history.range, tier: 'turbo', format: 'html' },
    {
      source: historyReportSource(store),
      dir,
      launch: TEST_LAUNCH,
      relayVersion: 'sprint-relay 0.1.0 (builtin)',
      machine: TEST_MACHINE,
    },
  );
  store.close();
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the HTML report loads nothing, runs no script and shows its figures', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(html.path).href;
  await page.goto(url);
  expect(requests).toEqual([url]);

  // The CSP forbids scripts: one injected after load must not run.
  const ran = await page.evaluate(`(() => {
    const s = document.createElement('script');
    s.textContent = 'document.body.dataset.ran = "yes"';
    document.head.append(s);
    return document.body.dataset.ran ?? 'no';
  })()`);
  expect(ran).toBe('no');
  expect(await page.locator('script').count()).toBe(1); // only the one we injected

  const s = html.summary;
  const value = (name: string) => page.locator(`[data-figure="${name}"]`).first().getAttribute('data-value');
  expect(Number(await value('n'))).toBe(s.latency.n);
  expect(Number(await value('p99'))).toBe(s.latency.p99);
  expect(Number(await value('compliance'))).toBe(s.sla.compliance);
  await expect(page.locator('[data-figure="verdict"]')).toHaveText(VERDICT_WORDS[s.sla.verdict]);
  await expect(page.locator('svg[data-chart="latency"] path[data-series="p99"]')).toHaveCount(1);
  await expect(page.locator('svg[data-chart="blocks"] circle')).toHaveCount(s.blocks.count + 1); // + legend

  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.screenshot({ path: `${SHOTS}/report.png`, fullPage: true });
  await page.screenshot({ path: `${SHOTS}/report-top.png`, clip: { x: 0, y: 0, width: 1000, height: 1000 } });

  await page.emulateMedia({ media: 'print' });
  const pdf = path.join(dir, 'report.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  expect(existsSync(pdf)).toBe(true);
  try {
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '3', pdf, `${SHOTS}/report-pdf`]);
  } catch {
    test
      .info()
      .annotations.push({ type: 'note', description: 'pdftoppm not installed: PDF pages not rendered' });
  }
});

import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
  await callPanel(panel, 'settings.set', {
    upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 1 },
  });
  await callPanel(panel, 'relay.start');
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('run the SLA test from the UI and see each tier judged; export a report and get the file', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(panel.url);
  await page.getByRole('tab', { name: 'Reports' }).click();

  await page.getByLabel('Probes per tier').fill('300');
  await page.getByLabel('Rate (Hz)').fill('150');
  await page.getByLabel(/CPU contention/).check();
  await page.getByRole('button', { name: 'Run SLA test' }).click();
  await expect(page.getByRole('button', { name: 'Cancel test' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Probes sent' })).toBeVisible({ timeout: 30_000 });

  const result = page.getByTestId('sla-test-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result.locator('tbody tr')).toHaveCount(2);
  await expect(result.locator('tr[data-tier="free"] td[data-figure="misses"]')).toHaveText(/^\d+ of 300 /);
  await expect(result.locator('tr[data-tier="enterprise"] td[data-figure="misses"]')).toHaveText(
    /^\d+ of 300 /,
  );
  // 300 probes cannot prove 99.9%: the table must say so rather than pass.
  await expect(result.locator('tr[data-tier="enterprise"]').getByTestId('verdict')).not.toHaveText(
    'Meets SLA',
  );
  await expect(result).toContainText('under contention');
  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: 'e2e/screenshots/reports-sla-test.png', fullPage: true });

  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^sprint-report_free_.*\.html$/);
  const html = readFileSync(await download.path(), 'utf8');
  expect(html).toContain('data-figure');
  await expect(page.getByTestId('export-result')).toContainText('probes');
  await page.screenshot({ path: 'e2e/screenshots/reports-export.png', fullPage: true });
});

import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';

/**
 * One definition per figure: the SLA test's table, its summary line and the exported HTML report of
 * the same period show the same text for every number of every tier.
 */

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

const COLUMNS = ['compliance', 'mean', 'p999', 'max', 'misses', 'bound', 'verdict'] as const;

test('the SLA test table, its summary line and the exported report agree on every number', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await page.goto(panel.url);
  await page.getByRole('tab', { name: 'Reports' }).click();
  await page.getByLabel('Probes per tier').fill('200');
  await page.getByLabel('Rate (Hz)').fill('200');
  await page.getByRole('button', { name: 'Run SLA test' }).click();
  const result = page.getByTestId('sla-test-result');
  await expect(result).toBeVisible({ timeout: 90_000 });

  const shown: Record<string, Record<string, string>> = {};
  for (const tier of ['free', 'enterprise']) {
    const row = result.locator(`tr[data-tier="${tier}"]`);
    shown[tier] = {};
    for (const column of COLUMNS) {
      const cell = row.locator(`td[data-figure="${column}"]`);
      shown[tier][column] =
        column === 'verdict' ? await cell.getByTestId('verdict').innerText() : await cell.innerText();
    }
  }
  const line = await result.getByTestId('sla-test-summary').innerText();
  // The line names a direction for each figure, and it is the right one for the table's averages.
  const mean = (tier: string) => Number.parseFloat(shown[tier]!.mean!);
  const direction = /average (about the same|[\d.]+× (lower|higher))/.exec(line);
  expect(direction, line).not.toBeNull();
  if (direction?.[2]) expect(direction[2]).toBe(mean('enterprise') < mean('free') ? 'lower' : 'higher');
  // Misses always count over target + errors + timeouts.
  for (const tier of ['free', 'enterprise']) {
    const m = /^(\d+) of 200 \(over target (\d+), errors (\d+), timeouts (\d+)\)$/.exec(shown[tier]!.misses!);
    expect(m, shown[tier]!.misses).not.toBeNull();
    expect(Number(m![1])).toBe(Number(m![2]) + Number(m![3]) + Number(m![4]));
  }

  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  // Saved under its .html name: a download's temporary path has no extension and would load as text.
  const file = test.info().outputPath('report.html');
  await (await downloaded).saveAs(file);
  expect(readFileSync(file, 'utf8')).toContain('SLA test runs');
  const report = await context.newPage();
  await report.goto(pathToFileURL(file).href);
  const run = report.locator('[data-sla-test-run]').last();
  await expect(run).toBeVisible();
  for (const tier of ['free', 'enterprise']) {
    for (const column of COLUMNS) {
      const text = await run
        .locator(`tr[data-tier="${tier}"] td[data-sla-test-figure="${column}"]`)
        .innerText();
      expect(text, `${tier} ${column}`).toBe(shown[tier]![column]);
    }
  }
  expect(await run.locator('[data-sla-test-summary]').innerText()).toBe(line);

  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: 'e2e/screenshots/reports-sla-test-figures.png', fullPage: true });
  await run.screenshot({ path: 'e2e/screenshots/report-sla-test-section.png' });
});

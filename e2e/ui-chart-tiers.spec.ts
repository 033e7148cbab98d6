import { expect, test } from '@playwright/test';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView, startRelay, stopRelay } from './support/ui';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('the latency chart marks a tier switch and judges each stretch by its own SLA line', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openPanel(page, panel.url);
  await startRelay(page);
  const chart = page.getByTestId('latency-chart');
  await expect(chart.locator('[data-tier-segment="free"]')).toHaveCount(1, { timeout: 20_000 });
  // Free's 1,000 ms target is far above millisecond latencies: named off scale, in the chart and legend.
  await expect(chart.locator('[data-tier-segment="free"][data-off-scale="true"]')).toContainText('off scale');
  await expect(page.getByTestId('legend-sla')).toContainText('off scale');
  // The SLA card says how much of its window was covered.
  await expect(page.getByTestId('sla-coverage')).toContainText(/covered [\d.]+% \([\d,]+ of [\d,]+ slots\)/);

  await page.getByTestId('tier-button-enterprise').click();
  await expect(page.getByTestId('relay-tier')).toHaveText('enterprise', { timeout: 30_000 });
  await expect(chart.locator('[data-tier-segment="enterprise"]')).toHaveCount(1, { timeout: 20_000 });
  await expect(chart.locator('[data-tier-segment="enterprise"] .chart-tier-switch')).toHaveCount(1);
  await expect(chart.locator('[data-tier-segment="enterprise"]')).toContainText('enterprise SLA 5');
  await expect(chart.locator('[data-tier-segment="free"]')).toHaveCount(1);
  await page.waitForTimeout(4000);
  await showView(page, 'Dashboard');
  await screenshotBoth(page, 'ui-dashboard-tiers');
  await stopRelay(page);
});

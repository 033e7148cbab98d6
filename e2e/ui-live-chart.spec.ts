import { expect, test, type Locator } from '@playwright/test';
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

const pointsOf = async (chart: Locator) => Number(await chart.getAttribute('data-points'));

test('the live latency chart gains a point a second and the SLA card counts samples', async ({ page }) => {
  test.setTimeout(90_000);
  await openPanel(page, panel.url);
  await startRelay(page);

  const chart = page.getByTestId('latency-chart');
  await expect.poll(() => pointsOf(chart), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  const before = await pointsOf(chart);
  await expect.poll(() => pointsOf(chart), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);
  await expect(chart.locator('path.series-p50')).toHaveAttribute('d', /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+/);
  await expect(page.getByRole('list', { name: 'Last second' })).toContainText(/p50\s*[\d.]+\s*ms/);
  await expect(page.getByTestId('sla-compliance')).toHaveText(/^\d+(\.\d+)?%$/);
  await expect(page.getByTestId('relay-cpu')).toHaveText(/%$/);

  // Keyboard: the chart is focusable and the arrow keys read a point aloud.
  await chart.locator('figure').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(chart.getByRole('status')).toContainText(/p50\s*[\d.]+\s*ms/);
  await page.keyboard.press('Escape');

  // The longer ranges come from history.query and include the seconds just recorded.
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '1 h' }).click();
  await expect.poll(() => pointsOf(chart), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '5 min' }).click();

  // A block relayed by the demo peer (one every 10 s) reaches the per-block chart.
  await expect(page.getByRole('list', { name: 'Block summary' })).toContainText(/last\s*#\d+/, {
    timeout: 25_000,
  });
  await showView(page, 'Dashboard');
  await screenshotBoth(page, 'ui-dashboard-live');
  await stopRelay(page);
});

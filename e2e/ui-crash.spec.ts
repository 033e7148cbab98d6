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

test('kill -9 the relay and see the crash and the restart in the Logs timeline', async ({ page }) => {
  test.setTimeout(90_000);
  await openPanel(page, panel.url);
  const pid = await startRelay(page);

  await showView(page, 'Logs');
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('[data-kind="ready"]').first()).toBeVisible();
  await expect(page.getByTestId('log-list')).toContainText('relay listening');

  process.kill(pid, 'SIGKILL');

  const exited = timeline.locator('[data-kind="exited"]').first();
  await expect(exited).toContainText('SIGKILL', { timeout: 15_000 });
  await expect(exited).toContainText('exited unexpectedly');
  await expect(exited).toContainText('relay');
  // The supervisor backs off and brings it back under a new pid.
  await expect(timeline.locator('[data-kind="backoff"]').first()).toBeVisible({ timeout: 15_000 });
  await expect(timeline.locator('[data-kind="spawned"]').first()).not.toContainText(`pid ${pid}`, {
    timeout: 15_000,
  });

  // The log filter narrows the tail; the search finds the restart's lines.
  await page.getByTestId('log-search').fill('relay listening');
  await expect(page.getByTestId('log-list').locator('li')).not.toHaveCount(0);
  await page.getByTestId('log-search').fill('no line says this');
  await expect(page.getByTestId('log-list')).toContainText('No lines match.');
  await page.getByTestId('log-search').fill('');
  await screenshotBoth(page, 'ui-logs-after-crash');

  await showView(page, 'Dashboard');
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  await expect(page.getByTestId('relay-restarts')).toHaveText('1');
  await expect(page.getByTestId('relay-pid')).not.toHaveText(String(pid));
  await stopRelay(page);
});

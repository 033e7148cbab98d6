import { expect, test } from '@playwright/test';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView } from './support/ui';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('a relay that cannot start says why, under the Start button and on the status card', async ({
  page,
}) => {
  await openPanel(page, panel.url);
  await showView(page, 'Settings');
  const form = page.getByTestId('settings-form');
  await form.getByLabel('External binary').check();
  await form.getByRole('button', { name: 'Save settings' }).click();
  // An external relay needs a path: refused before it reaches the panel.
  await expect(form.getByTestId('field-external-path').getByRole('alert')).toContainText(
    'path to the relay binary',
  );
  await form.getByTestId('field-external-path').getByRole('textbox').fill('/nonexistent/sprint-relay');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByTestId('save-state')).toHaveText(/^Saved/);

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const alert = page.getByTestId('relay-action-error');
  await expect(alert).toContainText('Could not start the relay.');
  await expect(alert).toContainText('/nonexistent/sprint-relay');
  await showView(page, 'Dashboard');
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('relay-message')).toContainText('/nonexistent/sprint-relay');
  await screenshotBoth(page, 'ui-dashboard-start-failed');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
});

test('the views are a keyboard tablist', async ({ page }) => {
  await openPanel(page, panel.url);
  const dashboard = page.getByRole('tab', { name: 'Dashboard' });
  await dashboard.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Optimizations' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Optimizations' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-optimizations');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(dashboard).toHaveAttribute('aria-selected', 'true');
  await expect(dashboard).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('tabindex', '-1');
  // The tier buttons and chart are reachable with Tab, with a visible focus ring.
  await page.getByTestId('tier-button-pro').focus();
  const outline = await page
    .getByTestId('tier-button-pro')
    .evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  // A path that does not exist is refused at save, naming it, rather than failing only at Start.
  await form.getByTestId('field-external-path').getByRole('textbox').fill('/nonexistent/sprint-relay');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByTestId('save-state')).toHaveText(/^Not saved/);
  await expect(form).toContainText('Nothing exists at /nonexistent/sprint-relay');
  // A binary that was there when saved and is gone at Start: the start fails naming it.
  const gone = path.join(mkdtempSync(path.join(os.tmpdir(), 'sprint-gone-')), 'sprint-relay');
  writeFileSync(gone, '#!/bin/sh\n', { mode: 0o755 });
  await form.getByTestId('field-external-path').getByRole('textbox').fill(gone);
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByTestId('save-state')).toHaveText(/^Saved/);
  rmSync(gone);

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const alert = page.getByTestId('relay-action-error');
  await expect(alert).toContainText('Could not start the relay.');
  await expect(alert).toContainText(gone);
  await showView(page, 'Dashboard');
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('relay-message')).toContainText(gone);
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

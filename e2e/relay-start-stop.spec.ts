import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
});

test.afterAll(async () => {
  const code = await panel.stop();
  removeDataDir(panel.dataDir);
  expect(code).toBe(0);
});

test('without the token the panel answers 401', async ({ request }) => {
  const page = await request.get(`${panel.origin}/`);
  expect(page.status()).toBe(401);
  const asset = await request.get(`${panel.origin}/index.html?token=wrong`);
  expect(asset.status()).toBe(401);
});

test('start the relay, see it running with a PID, stop it, see it stopped', async ({ page }) => {
  await page.goto(panel.url);
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  // The token has moved from the address bar into an HttpOnly cookie.
  expect(page.url()).not.toContain('token=');

  const state = page.getByTestId('relay-state');
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(state).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  await expect(page.getByTestId('relay-pid')).toHaveText(/^\d+$/);
  const pid = Number(await page.getByTestId('relay-pid').textContent());
  expect(() => process.kill(pid, 0)).not.toThrow();

  // The SLA card says how much of each figure may be the probe's own time, measured per sample.
  await expect(page.getByTestId('probe-own-time')).toHaveText(/^\d+\.\d+\s?ms$/, { timeout: 20_000 });

  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: 'e2e/screenshots/relay-running.png', fullPage: true });
  await page.locator('.sla-card').screenshot({ path: 'e2e/screenshots/sla-card-own-time.png' });

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('relay-pid')).toHaveText('—');
  expect(() => process.kill(pid, 0)).toThrow();
});

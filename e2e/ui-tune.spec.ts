import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, showView, startRelay } from './support/ui';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('Tune this machine: the estimate before, progress while running, the result with its words', async ({
  page,
}) => {
  test.setTimeout(240_000);
  mkdirSync('e2e/screenshots', { recursive: true });
  await openPanel(page, panel.url);
  await startRelay(page);
  await showView(page, 'Optimizations');
  const card = page.getByTestId('tune-card');
  await card.getByLabel('Tier').selectOption('free');
  await card.getByLabel('Time budget (s)').fill('70');
  // Before it starts: the candidates, what is skipped and why, and the estimate.
  const plan = card.getByTestId('tune-plan');
  await expect(plan).toContainText('Estimate: about 1 min');
  await expect(plan).toContainText(/each block first restarts the relay \(about [\d.]+ s here\)/);
  await expect(plan).toContainText('skipped on this machine');
  await plan.locator('summary').click();
  await expect(plan).toContainText('not enough time: a budget of');

  await card.getByRole('button', { name: 'Tune free' }).click();
  const progress = card.getByTestId('tune-progress');
  await expect(progress).toContainText(/Measuring: .* \(round \d of \d+\)/, { timeout: 30_000 });
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: 'e2e/screenshots/tune-card-running.png' });

  const result = card.getByTestId('tune-result');
  await expect(result).toBeVisible({ timeout: 150_000 });
  await expect(card.getByTestId('tune-recommendation')).toContainText(
    /^(Apply: .+\. p99\.9 .+ ms → .+ ms \(improvement .+ ms, 95\.0%\)|Nothing beats the tier default here by more than the noise\.)/,
  );
  await expect(result).toContainText('the result holds for this machine and this load only');
  await expect(result.locator('tbody tr')).toHaveCount(2);
  // What a block leaves out is said, with the switch time measured here, and the warm-up shown apart.
  await expect(result).toContainText(/the switch \([\d.]+ s per block here\) is excluded/);
  await expect(result.locator('thead')).toContainText('Warm-up (discarded)');
  await expect(result.locator('tbody tr').first()).toContainText(/\d+ probes, \d+ over target/);
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: 'e2e/screenshots/tune-card-result.png' });
});

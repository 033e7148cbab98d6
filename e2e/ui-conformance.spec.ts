import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView } from './support/ui';

// Settings → Relay → External binary → "Check this binary", run on the Go relay (npm run build:go).
const GO_RELAY = path.resolve('dist/go-relay/sprint-relay');

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('Check this binary shows each clause, its result and why', async ({ page }) => {
  test.skip(!existsSync(GO_RELAY), 'the Go relay is not built (npm run build:go)');
  await openPanel(page, panel.url);
  await showView(page, 'Settings');
  const form = page.getByTestId('settings-form');
  await form.getByRole('radio', { name: /External binary/ }).check();
  await form.getByTestId('field-external-path').getByRole('textbox').fill(GO_RELAY);
  await form.getByTestId('check-binary').click();
  await expect(form.getByTestId('check-binary')).toHaveText('Checking…');
  await expect(form.getByTestId('conformance-summary')).toBeVisible({ timeout: 60_000 });
  const rows = form.getByTestId('conformance-table').locator('tbody tr');
  await expect(rows).toHaveCount(12);
  // A Go binary: the Go runtime clause applies (pass or fail, never "not applicable").
  await expect(rows.filter({ hasText: 'go-runtime-readback' })).not.toContainText('Not applicable');
  await form.getByTestId('conformance-check').scrollIntoViewIfNeeded();
  await screenshotBoth(page, 'ui-settings-conformance');
});

test('Optimizations: a Go binary at enterprise is asked for GC off with GOMEMLIMIT, and says what bounds it', async ({
  page,
}) => {
  await callPanel(panel, 'settings.set', { relay: { source: 'external', externalPath: GO_RELAY } });
  await callPanel(panel, 'tier.set', { tier: 'enterprise' });
  await openPanel(page, panel.url);
  await showView(page, 'Optimizations');
  const table = page.getByTestId('knob-table');
  await expect(table).toHaveAttribute('data-tier', 'enterprise');
  await expect(table.getByTestId('knob-GOGC').getByTestId('knob-requested')).toHaveText('off');
  await expect(table.getByTestId('knob-GOMEMLIMIT').getByTestId('knob-requested')).toHaveText('64MiB');
  await expect(table.getByTestId('knob-GOMEMLIMIT')).toContainText('Go memory budget (bounds GC off)');
  await expect(page.getByTestId('gc-off-note')).toContainText('GOGC=off together with GOMEMLIMIT');
  await table.scrollIntoViewIfNeeded();
  await screenshotBoth(page, 'ui-optimizations-gomemlimit');
});

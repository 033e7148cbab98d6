import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth } from './support/ui';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
  // An external relay that refuses its configuration the way the contract says: a JSON error line
  // naming the variable, then exit 2.
  const binary = path.join(panel.dataDir, 'sprint-refuses-config');
  const line = JSON.stringify({
    level: 'error',
    timestamp: new Date().toISOString(),
    message: 'invalid configuration',
    variable: 'BITCOIN_NETWORK',
    error: 'BITCOIN_NETWORK: invalid value "moonnet"',
  });
  writeFileSync(binary, `#!/bin/sh\necho '${line}' >&2\nexit 2\n`, { mode: 0o755 });
  await callPanel(panel, 'settings.set', { relay: { source: 'external', externalPath: binary } });
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('a relay that exits 2 is not restarted, and its own message is shown as text', async ({ page }) => {
  await openPanel(page, panel.url);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const message = page.getByTestId('relay-message');
  await expect(message).toContainText(
    'exited with code 2, an error a restart cannot fix, so it was not restarted: ' +
      'invalid configuration: BITCOIN_NETWORK: invalid value "moonnet"',
  );
  await expect(message).not.toContainText('{');
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('relay-restarts')).toHaveText('0');
  await screenshotBoth(page, 'ui-dashboard-config-error');
});

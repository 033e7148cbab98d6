import { expect, test } from '@playwright/test';
import { buildGoRelay, goVersion } from '../scripts/build-go-relay.mjs';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { knobCell, openPanel, screenshotBoth, showView, startRelay, stopRelay } from './support/ui';

// The Optimizations and Logs views with the Go relay (relay/go) supervised as an external binary:
// requested beside what the Go runtime itself reports on /health.
const skip = goVersion() === null && !process.env.CI;
test.skip(skip, 'no `go` on PATH (apt-get install golang-go); required in CI');

let panel: HeadlessPanel;

test.beforeAll(async () => {
  const binary = buildGoRelay();
  panel = await startHeadlessPanel();
  await callPanel(panel, 'settings.set', {
    tier: 'free',
    relay: { source: 'external', externalPath: binary },
    upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 1 },
  });
});

test.afterAll(async () => {
  if (!panel) return;
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('Optimizations shows GOGC and GOMAXPROCS as the Go runtime reports them; Logs shows its zap lines', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openPanel(page, panel.url);
  await startRelay(page);
  await showView(page, 'Optimizations');
  const table = page.getByTestId('knob-table');
  const cell = (name: string, which: 'requested' | 'applied') => knobCell(page, name, which);
  await expect(table).toHaveAttribute('data-tier', 'free');
  await expect(cell('GOGC', 'requested')).toHaveText('default');
  await expect(cell('GOGC', 'applied')).toHaveText('100');
  const procs = (await cell('GOMAXPROCS', 'requested').textContent()) ?? '';
  expect(procs).toMatch(/^\d+$/);
  await expect(cell('GOMAXPROCS', 'applied')).toHaveText(procs);

  await showView(page, 'Dashboard');
  await page.getByTestId('tier-button-enterprise').click();
  await expect(page.getByTestId('relay-tier')).toHaveText('enterprise', { timeout: 30_000 });
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await showView(page, 'Optimizations');
  await expect(table).toHaveAttribute('data-tier', 'enterprise');
  await expect(cell('GOGC', 'requested')).toHaveText('off');
  await expect(cell('GOGC', 'applied')).toHaveText('off');
  await expect(table.getByTestId('knob-GC_PERCENT')).toContainText(
    'GOGC=off from the launcher takes precedence',
  );
  await screenshotBoth(page, 'ui-optimizations-go-relay');

  await showView(page, 'Logs');
  const list = page.getByTestId('log-list');
  await expect(list.locator('.log-line.level-info', { hasText: 'relay listening' }).first()).toBeVisible();
  await expect(list.locator('.log-line.level-info', { hasText: 'tier=enterprise' }).first()).toBeVisible();
  await stopRelay(page);
});

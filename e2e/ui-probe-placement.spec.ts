import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { knobCell, openPanel, screenshotBoth, showView, startRelay } from './support/ui';

// Optimizations with the probe placed apart from the relay and a fixed V8 semi-space: each shown
// requested beside what was read back (the probe's CPUs from /proc, the semi-space from the relay's
// V8 on /health), and the tuning plan proposing both as candidates it can apply.

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
  await callPanel(panel, 'settings.set', {
    tier: 'pro',
    overrides: { pro: { cpus: '1', probeCpus: '0', semiSpaceMiB: 64 } },
  });
});

test.afterAll(async () => {
  if (!panel) return;
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('the probe’s CPUs and the relay’s semi-space, requested beside applied', async ({ page }) => {
  test.setTimeout(120_000);
  await openPanel(page, panel.url);
  await startRelay(page);
  await showView(page, 'Optimizations');
  const table = page.getByTestId('knob-table');
  const cell = (name: string, which: 'requested' | 'applied') => knobCell(page, name, which);
  await expect(table).toHaveAttribute('data-tier', 'pro');
  await expect(cell('probe-affinity', 'requested')).toContainText('cpus 0');
  // The probe starts after the relay is ready; its read-back arrives a moment later.
  await expect(cell('probe-affinity', 'applied')).toHaveText('cpus 0', { timeout: 20_000 });
  await expect(cell('affinity', 'applied')).toHaveText('cpus 1');
  await expect(cell('V8_SEMI_SPACE_MIB', 'requested')).toContainText('64');
  await expect(cell('V8_SEMI_SPACE_MIB', 'applied')).toHaveText('64');
  await expect(table.getByTestId('knob-probe-affinity')).toContainText('Granted');
  await expect(table.getByTestId('knob-V8_SEMI_SPACE_MIB')).toContainText('Granted');
  mkdirSync('e2e/screenshots', { recursive: true });
  await table.scrollIntoViewIfNeeded();
  await table.screenshot({ path: 'e2e/screenshots/probe-placement-knobs.png' });

  // The tuning plan lists the relay apart from the probe and two semi-spaces, none "measured only".
  const card = page.getByTestId('tune-card');
  await card.getByLabel('Tier').selectOption('pro');
  await card.getByLabel('Time budget (s)').fill('600');
  const plan = card.getByTestId('tune-plan');
  await expect(plan).toContainText('relay on CPU 1, probe apart on CPU 0 (the panel is not pinned)');
  await expect(plan).toContainText('V8 semi-space 64 MiB');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: 'e2e/screenshots/probe-placement-tune-plan.png' });
  await screenshotBoth(page, 'optimizations-probe-placement');
});

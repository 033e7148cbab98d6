import { expect, test, type Page } from '@playwright/test';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { knobCell, openPanel, screenshotBoth, showView, startRelay, stopRelay } from './support/ui';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

async function switchTier(page: Page, tier: string, from: string): Promise<void> {
  await showView(page, 'Dashboard');
  await page.getByTestId(`tier-button-${tier}`).click();
  // The switch restarts the running relay; the result carries the measured click-to-ready time.
  await expect(page.getByTestId('tier-switch-result')).toContainText(`→ ${tier[0]!.toUpperCase()}`, {
    timeout: 30_000,
  });
  await expect(page.getByTestId('tier-switch-duration')).toHaveText(/^\d[\d.,]*\s(ms|s)$/);
  await expect(page.getByTestId(`tier-button-${tier}`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId(`tier-button-${from}`)).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('relay-tier')).toHaveText(tier);
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'running');
}

/** The optimizations table for `tier`, from the running relay's launch report once it has one. */
async function knobs(page: Page, tier: string) {
  await showView(page, 'Optimizations');
  const table = page.getByTestId('knob-table');
  await expect(table).toHaveAttribute('data-tier', tier);
  const requested = (name: string) => knobCell(page, name, 'requested');
  const applied = (name: string) => knobCell(page, name, 'applied');
  return { table, requested, applied };
}

test('switch free → enterprise → free and see the optimizations change', async ({ page }) => {
  test.setTimeout(120_000);
  await openPanel(page, panel.url);
  await startRelay(page);

  let view = await knobs(page, 'free');
  await expect(view.table).toContainText('Free tier');
  await expect(view.requested('HIGH_PRIORITY')).toHaveText('false');
  await expect(view.requested('LOCK_OS_THREAD')).toHaveText('false');
  await expect(view.applied('HIGH_PRIORITY')).toHaveText('false');
  const freePriority = await view.requested('priority').textContent();

  await switchTier(page, 'enterprise', 'free');
  await screenshotBoth(page, 'ui-dashboard-enterprise');
  view = await knobs(page, 'enterprise');
  await expect(view.table).toContainText('Enterprise tier');
  await expect(view.requested('HIGH_PRIORITY')).toHaveText('true');
  await expect(view.requested('LOCK_OS_THREAD')).toHaveText('true');
  await expect(view.requested('GC_PERCENT')).toHaveText('25');
  // Read back from the running relay, not just the plan.
  await expect(view.applied('HIGH_PRIORITY')).toHaveText('true');
  await expect(view.requested('priority')).not.toHaveText(freePriority ?? '');
  await screenshotBoth(page, 'ui-optimizations-enterprise');

  await switchTier(page, 'free', 'enterprise');
  view = await knobs(page, 'free');
  await expect(view.requested('HIGH_PRIORITY')).toHaveText('false');
  await expect(view.requested('priority')).toHaveText(freePriority ?? '');
  await expect(view.requested('GC_PERCENT')).toHaveText('default');

  await stopRelay(page);
});

test('an invalid override is refused at its field; a valid one shows beside the tier default', async ({
  page,
}) => {
  await openPanel(page, panel.url);
  await showView(page, 'Optimizations');
  const form = page.getByTestId('override-form');
  await page.getByRole('group', { name: 'Tier to edit' }).getByRole('button', { name: 'Turbo' }).click();

  const cpus = form.getByTestId('override-cpus');
  await cpus.getByRole('textbox').fill('all');
  const gc = form.getByTestId('override-gcPercent');
  await gc.getByRole('textbox').fill('5000');
  await form.getByRole('button', { name: 'Save Turbo overrides' }).click();
  await expect(cpus.getByRole('alert')).toHaveText('Must be a CPU list such as "2-3" or "0,2".');
  await expect(gc.getByRole('alert')).toHaveText('Must be at most 1000.');
  await expect(cpus.getByRole('textbox')).toHaveAttribute('aria-invalid', 'true');
  await screenshotBoth(page, 'ui-optimizations-override-errors');

  await cpus.getByRole('textbox').fill('');
  await gc.getByRole('textbox').fill('off');
  await form.getByRole('button', { name: 'Save Turbo overrides' }).click();
  await expect(form.getByTestId('save-state')).toHaveText(/^Saved \d\d:\d\d:\d\d$/);
  await expect(gc).toContainText('overridden');
  await expect(gc).toContainText('25');
  await expect(page.getByRole('button', { name: 'Turbo (1)' })).toBeVisible();
});

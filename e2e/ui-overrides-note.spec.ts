import { expect, test } from '@playwright/test';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView, startRelay, stopRelay } from './support/ui';

let panel: HeadlessPanel;

test.beforeAll(async () => {
  panel = await startHeadlessPanel();
  // Pro is selected before the page ever loads: the editor must not open on Free.
  await callPanel(panel, 'tier.set', { tier: 'pro' });
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('the overrides editor opens on the running tier; the restart note goes once a restart applied it', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await openPanel(page, panel.url);
  await startRelay(page);
  await showView(page, 'Optimizations');
  const tiers = page.getByRole('group', { name: 'Tier to edit' });
  await expect(tiers.getByRole('button', { name: 'Pro', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(tiers.getByRole('button', { name: 'Free', exact: true })).toHaveAttribute(
    'aria-pressed',
    'false',
  );

  const form = page.getByTestId('override-form');
  await form.getByTestId('override-gcPercent').getByRole('textbox').fill('40');
  await form.getByRole('button', { name: 'Save Pro overrides' }).click();
  await expect(form.getByTestId('save-state')).toHaveText(/^Saved /);
  const note = form.getByRole('status').filter({ hasText: 'still uses the previous plan' });
  await expect(note).toBeVisible();
  await screenshotBoth(page, 'ui-optimizations-restart-note');

  const pidBefore = ((await callPanel(panel, 'relay.status')) as { pid: number }).pid;
  await note.getByRole('button', { name: 'Restart the relay now' }).click();
  await expect
    .poll(
      async () => {
        const now = (await callPanel(panel, 'relay.status')) as { state: string; pid: number | null };
        return now.state === 'running' && now.pid !== pidBefore;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  await expect(note).toHaveCount(0);
  // The restarted relay runs the saved override.
  await expect(
    page.getByTestId('knob-table').getByTestId('knob-GC_PERCENT').getByTestId('knob-requested'),
  ).toHaveText(/^40override/);
  await screenshotBoth(page, 'ui-optimizations-after-restart');
  await stopRelay(page);
});

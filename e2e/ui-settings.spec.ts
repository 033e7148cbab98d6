import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeDataDir, startHeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView } from './support/ui';

test('a setting survives a restart of the panel; a bad value is refused at its field', async ({ page }) => {
  test.setTimeout(90_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-e2e-settings-'));
  let panel = await startHeadlessPanel({ dataDir });
  try {
    await openPanel(page, panel.url);
    await showView(page, 'Settings');
    const form = page.getByTestId('settings-form');
    const probe = form.getByTestId('field-probe-rate');

    await probe.getByRole('textbox').fill('500');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(probe.getByRole('alert')).toHaveText('Must be at most 100.');
    await expect(probe.getByRole('textbox')).toHaveAttribute('aria-invalid', 'true');
    await screenshotBoth(page, 'ui-settings-error');

    await probe.getByRole('textbox').fill('25');
    await expect(probe.getByRole('alert')).toHaveCount(0);
    await form.getByLabel('Notifications').uncheck();
    await form.getByRole('button', { name: 'Generate' }).click();
    await form.getByRole('button', { name: 'Reveal' }).click();
    const key = await form.getByTestId('field-api-key').getByRole('textbox').inputValue();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    await expect(form.getByTestId('save-state')).toHaveText('Unsaved changes');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByTestId('save-state')).toHaveText(/^Saved \d\d:\d\d:\d\d$/);
    await screenshotBoth(page, 'ui-settings-saved');

    expect(await panel.stop()).toBe(0);
    panel = await startHeadlessPanel({ dataDir });
    await openPanel(page, panel.url);
    await showView(page, 'Settings');
    await expect(form.getByTestId('field-probe-rate').getByRole('textbox')).toHaveValue('25');
    await expect(form.getByLabel('Notifications')).not.toBeChecked();
    // The key stays masked until revealed, and is the one that was saved.
    await expect(form.getByTestId('field-api-key').getByRole('textbox')).toHaveValue(
      `${key.slice(0, 4)}${'•'.repeat(12)}${key.slice(-4)}`,
    );
    await form.getByRole('button', { name: 'Reveal' }).click();
    await expect(form.getByTestId('field-api-key').getByRole('textbox')).toHaveValue(key);
    await expect(form.getByTestId('save-state')).toHaveText('No changes');
  } finally {
    await panel.stop();
    removeDataDir(dataDir);
  }
});

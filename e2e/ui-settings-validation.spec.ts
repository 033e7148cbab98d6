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

test('values the relay would refuse are refused at their field before saving', async ({ page }) => {
  await openPanel(page, panel.url);
  await showView(page, 'Settings');
  const form = page.getByTestId('settings-form');
  await form.getByRole('radio', { name: /External binary/ }).check();
  await form.getByTestId('field-external-path').getByRole('textbox').fill('bin/sprint');
  await form.getByRole('radio', { name: 'Bitcoin node' }).check();
  await form.getByTestId('field-bitcoin-node').getByRole('textbox').fill('127.0.0.1:99999');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByTestId('field-external-path').getByRole('alert')).toHaveText(
    'Must be an absolute path (e.g. /opt/bitcoin-sprint/sprint).',
  );
  await expect(form.getByTestId('field-bitcoin-node').getByRole('alert')).toHaveText(
    'Invalid address "127.0.0.1:99999" (port 99999 is outside 1-65535).',
  );
  await screenshotBoth(page, 'ui-settings-validation');
});

test('an affinity override naming CPUs this machine lacks is refused at its field by the panel', async ({
  page,
}) => {
  await openPanel(page, panel.url);
  await showView(page, 'Optimizations');
  await page.getByRole('group', { name: 'Tier to edit' }).getByRole('button', { name: 'Turbo' }).click();
  const form = page.getByTestId('override-form');
  const cpus = form.getByTestId('override-cpus');
  await cpus.getByRole('textbox').fill('0-99');
  await form.getByRole('button', { name: 'Save Turbo overrides' }).click();
  await expect(cpus.getByRole('alert')).toContainText(
    '"0-99" names CPU 99 for the relay, but this machine has CPUs 0-',
  );
  await screenshotBoth(page, 'ui-optimizations-cpus-refused');
  // The probe's CPUs are checked the same way, at their own field.
  await cpus.getByRole('textbox').fill('');
  const probeCpus = form.getByTestId('override-probeCpus');
  await probeCpus.getByRole('textbox').fill('0,99');
  await form.getByRole('button', { name: 'Save Turbo overrides' }).click();
  await expect(probeCpus.getByRole('alert')).toContainText(
    '"0,99" names CPU 99 for the SLA probe, but this machine has CPUs 0-',
  );
  await probeCpus.scrollIntoViewIfNeeded();
  await form.screenshot({ path: 'e2e/screenshots/ui-optimizations-probe-cpus-refused.png' });
});

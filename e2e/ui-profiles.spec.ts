import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView } from './support/ui';

const SEED = readFileSync('test/fixtures/seed-config.json', 'utf8');
let panel: HeadlessPanel;

test.beforeAll(async () => {
  const env = { ...process.env, GC_PERCENT: '40', HIGH_PRIORITY: 'maybe' };
  panel = await startHeadlessPanel({ env });
});

test.afterAll(async () => {
  await panel.stop();
  removeDataDir(panel.dataDir);
});

test('environment sources, profiles and the seed config file in the Optimizations view', async ({ page }) => {
  await openPanel(page, panel.url);
  await showView(page, 'Optimizations');

  // The panel's own environment, shown with its source; the refused value with its reason.
  const sources = page.getByTestId('knob-sources');
  await expect(sources.getByTestId('source-GC_PERCENT')).toHaveAttribute('data-source', 'environment');
  await expect(sources.getByTestId('source-GC_PERCENT')).toContainText('from environment');
  await expect(sources.getByTestId('source-HIGH_PRIORITY')).toContainText(
    'HIGH_PRIORITY: must be 1, true, 0 or false',
  );
  await expect(sources.getByTestId('source-HIGH_PRIORITY')).toHaveAttribute('data-source', 'tier');

  // One click applies production; the header shows it.
  const card = page.getByTestId('profiles-card');
  await expect(page.getByTestId('header-profile')).toHaveCount(0);
  await card.getByTestId('profile-production').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('header-profile')).toHaveText('production');
  await expect(card.getByTestId('profile-production')).toContainText('active');
  await expect(page.getByTestId('knob-table')).toHaveAttribute('data-tier', 'enterprise');

  // Export downloads the config in effect: enterprise with the environment's GC_PERCENT.
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: 'Export config in effect' }).click();
  const file = await (await download).path();
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
    tier: 'enterprise',
    performance_optimizations: { gc_percent: 40 },
  });

  // A bad file is refused with the key path; nothing changes.
  await card.getByTestId('profile-file-input').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from(SEED.replace('"gc_percent": 25', '"gc_percent": 5000')),
  });
  await expect(card.getByTestId('profile-outcome')).toContainText(
    'performance_optimizations.gc_percent: must be between -1 and 1000',
  );
  await expect(page.getByTestId('header-profile')).toHaveText('production');

  // The seed's own file: applied, saved GC_PERCENT 25 now outranks the environment's 40.
  await card.getByTestId('profile-file-input').setInputFiles({
    name: 'config.json',
    mimeType: 'application/json',
    buffer: Buffer.from(SEED),
  });
  await expect(card.getByTestId('profile-outcome')).toContainText('Imported: enterprise tier');
  await expect(sources.getByTestId('source-GC_PERCENT')).toHaveAttribute('data-source', 'override');
  // Its overrides differ from the production profile's: production is no longer active.
  await expect(page.getByTestId('header-profile')).toHaveCount(0);

  // Save it as a profile, rename it.
  await card.getByLabel(/tier and its overrides as/).fill('edge');
  await card.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('header-profile')).toHaveText('edge');
  await card.getByTestId('profile-edge').getByRole('button', { name: 'Rename' }).click();
  await card.getByLabel('New name for edge').fill('edge-eu');
  await card.getByTestId('profile-edge').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('header-profile')).toHaveText('edge-eu');
  await screenshotBoth(page, 'ui-optimizations-profiles');
});

import { expect, test } from '@playwright/test';
import {
  type DemoPeer,
  type RelayProcess,
  startDemoPeer,
  startRelay as startBareRelay,
} from '../relay/test-support/processes';
import type { FleetSnapshot } from '../shared/fleet';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, startRelay } from './support/ui';

// Fleet liveness is measured: the local relay moves port at a tier switch and is found again through
// this panel; a fleet relay that dies is not green once two scrape intervals (5 s each) have passed;
// the same relay is refused as a duplicate, under another spelling or as this panel's own relay.
let local: HeadlessPanel;
let peer: DemoPeer;
let alive: RelayProcess;
let doomed: RelayProcess;

const SCRAPE_INTERVAL_MS = 5000;

test.beforeAll(async () => {
  [local, peer] = await Promise.all([startHeadlessPanel(), startDemoPeer(0)]);
  const env = (key: string) => ({
    TIER: 'pro',
    API_KEYS: key,
    BITCOIN_NODE: `127.0.0.1:${peer.p2pPort}`,
    BITCOIN_NETWORK: 'regtest',
  });
  [alive, doomed] = await Promise.all([
    startBareRelay(env('alive-relay-key-0123')),
    startBareRelay(env('doomed-relay-key-0123')),
  ]);
});

test.afterAll(async () => {
  await Promise.all([local?.stop(), alive?.stop(), doomed?.stop(), peer?.stop()]);
  removeDataDir(local.dataDir);
});

test('a dead fleet relay is never green after two scrape intervals; a moved local relay is found again; duplicates refused', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openPanel(page, local.url);
  await startRelay(page);
  await callPanel(local, 'fleet.add', { kind: 'relay', url: alive.healthPortUrl, label: 'alive-eu' });
  await callPanel(local, 'fleet.add', { kind: 'relay', url: doomed.healthPortUrl, label: 'doomed-us' });
  await page.getByRole('tab', { name: 'Fleet' }).click();
  const table = page.getByRole('table', { name: 'Relays in the fleet' });
  const row = (name: string) => table.locator('tr', { hasText: name });
  await expect(row('doomed-us').locator('td').nth(1)).toHaveText(/^live/);
  await expect(row('alive-eu').locator('td').nth(1)).toHaveText(/^live/);

  // The local relay moves port at a tier switch; the listing follows it through this panel.
  const listing = () => callPanel(local, 'fleet.list', { window: '5m' }) as Promise<FleetSnapshot>;
  const before = (await listing()).rows.find((r) => r.source === 'local')!;
  await callPanel(local, 'tier.set', { tier: 'turbo' });
  await expect
    .poll(async () => (await listing()).rows.find((r) => r.source === 'local')!.instance, { timeout: 30_000 })
    .not.toBe(before.instance);
  const localRow = table.getByTestId('fleet-row-local');
  await expect(localRow.locator('td').first()).toHaveText('turbo');
  await expect(localRow.locator('td').nth(1)).toHaveText(/^(running|live)/);

  // The same relay twice: another spelling of its URL, and this panel's own relay by its health URL.
  const form = page.getByRole('form', { name: 'Add to the fleet' });
  await form.getByRole('button', { name: 'Relay (health URL)' }).click();
  await form.getByLabel('URL').fill(`${alive.healthPortUrl.replace('127.0.0.1', 'localhost')}/`);
  await form.getByLabel('Name').fill('alive-again');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'already in the fleet as "alive-eu"' }),
  ).toBeVisible();
  const ownInstance = (await listing()).rows.find((r) => r.source === 'local')!.instance!;
  await form.getByLabel('URL').fill(`http://${ownInstance}`);
  await form.getByLabel('Name').fill('mine-again');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('alert').filter({ hasText: "this panel's own relay" })).toBeVisible();
  await expect(table.locator('tr', { hasText: 'again' })).toHaveCount(0);

  // One relay dies. From two scrape intervals on, its row is never green, at no moment in between.
  const diedAt = Date.now();
  await doomed.stop();
  const badge = row('doomed-us').locator('td').nth(1).locator('.badge');
  for (;;) {
    const elapsed = Date.now() - diedAt;
    if (elapsed > 2 * SCRAPE_INTERVAL_MS + 6000) break;
    const green = await badge.evaluate((el) => el.classList.contains('badge-ok'));
    // Allowed past the two intervals: the view's 2 s refresh and one listing round trip.
    if (elapsed > 2 * SCRAPE_INTERVAL_MS + 3000)
      expect(green, `green ${elapsed} ms after the relay died`).toBe(false);
    await page.waitForTimeout(250);
  }
  await expect(badge).toHaveText('unreachable');
  await expect(row('doomed-us')).toContainText(/no answer for \d+ s/);
  // The other relay is untouched.
  await expect(row('alive-eu').locator('td').nth(1)).toHaveText(/^live/);
  await screenshotBoth(page, 'ui-fleet-dead-relay');
});

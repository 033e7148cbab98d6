import { expect, test } from '@playwright/test';
import {
  type DemoPeer,
  type RelayProcess,
  startDemoPeer,
  startRelay as startBareRelay,
} from '../relay/test-support/processes';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { VERDICT_WORDS } from '../shared/verdict';
import { openPanel, screenshotBoth, startRelay } from './support/ui';

let local: HeadlessPanel;
let remote: HeadlessPanel;
let peer: DemoPeer;
let bare: RelayProcess;

test.beforeAll(async () => {
  [local, remote, peer] = await Promise.all([startHeadlessPanel(), startHeadlessPanel(), startDemoPeer(0)]);
  bare = await startBareRelay({
    TIER: 'pro',
    API_KEYS: 'bare-relay-key-0123',
    BITCOIN_NODE: `127.0.0.1:${peer.p2pPort}`,
    BITCOIN_NETWORK: 'regtest',
  });
  // The remote panel runs its own relay, so its tier switch is a real restart over there.
  await callPanel(remote, 'relay.start');
});

test.afterAll(async () => {
  await Promise.all([local?.stop(), remote?.stop(), bare?.stop(), peer?.stop()]);
  removeDataDir(local.dataDir);
  removeDataDir(remote.dataDir);
});

test('Fleet tab: the local relay, a remote headless panel switched by one click, a bare relay read-only', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openPanel(page, local.url);
  await startRelay(page);
  await page.getByRole('tab', { name: 'Fleet' }).click();
  const table = page.getByRole('table', { name: 'Relays in the fleet' });
  const localRow = table.getByTestId('fleet-row-local');
  await expect(localRow).toContainText('This panel');
  await expect(localRow).toContainText('free');

  const form = page.getByRole('form', { name: 'Add to the fleet' });
  // The bare relay, by its health URL.
  await form.getByRole('button', { name: 'Relay (health URL)' }).click();
  await form.getByLabel('URL').fill(bare.healthPortUrl);
  await form.getByLabel('Name').fill('bare-eu');
  await form.getByRole('button', { name: 'Add' }).click();
  const bareRow = table.getByTestId('fleet-row-relay');
  await expect(bareRow).toContainText('bare-eu');
  await expect(bareRow).toContainText('pro');
  await expect(bareRow).toContainText('read-only');
  await expect(bareRow.getByRole('group', { name: /Tier of/ })).toHaveCount(0);

  // The remote panel: a wrong token is refused, saying so; the right one is taken.
  await form.getByRole('button', { name: 'Remote panel (headless)' }).click();
  await expect(page.getByText(/NOT ENCRYPTED/)).toBeVisible();
  await form.getByLabel('URL').fill(remote.origin);
  await form.getByLabel('Name').fill('remote-us');
  await form.getByLabel('Token').fill('this-is-not-the-token');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'refused the token' })).toBeVisible();
  await expect(table.getByTestId('fleet-row-panel')).toHaveCount(0);
  await form.getByLabel('Token').fill(remote.token);
  await form.getByRole('button', { name: 'Add' }).click();
  const remoteRow = table.getByTestId('fleet-row-panel');
  await expect(remoteRow).toContainText('remote-us');
  const tiers = remoteRow.getByRole('group', { name: 'Tier of remote-us' });
  await expect(tiers.getByRole('button', { name: 'free' })).toHaveAttribute('aria-pressed', 'true');
  await expect(remoteRow.locator('td').nth(1)).toHaveText('live', { timeout: 30_000 });

  // One click switches the remote panel's tier: its relay restarts there under the new plan.
  await tiers.getByRole('button', { name: 'turbo' }).click();
  await expect(
    remoteRow.getByRole('status').filter({ hasText: /Switched free → turbo \(ready in \d+ ms\)/ }),
  ).toBeVisible({
    timeout: 30_000,
  });
  await expect(tiers.getByRole('button', { name: 'turbo' })).toHaveAttribute('aria-pressed', 'true');
  expect(await callPanel(remote, 'tier.get')).toEqual({ tier: 'turbo' });
  expect(await callPanel(local, 'tier.get')).toEqual({ tier: 'free' });

  // Its SLA test runs over there with the local test's choices, and its table shows here.
  await remoteRow.getByRole('button', { name: 'SLA test…' }).click();
  const slaCard = page.getByRole('article', { name: 'SLA test on remote-us' });
  const tierChecks = slaCard.getByRole('group', { name: 'Tiers to compare' });
  await tierChecks.getByLabel('enterprise', { exact: true }).uncheck();
  await tierChecks.getByLabel('turbo', { exact: true }).check();
  await slaCard.getByLabel('Probes per tier').fill('200');
  await slaCard.getByLabel('Rate (Hz)').fill('200');
  await slaCard.getByRole('button', { name: 'Run SLA test on remote-us' }).click();
  // No progress comes over the remote path: where it runs and for how long, and the row says so too.
  await expect(slaCard.getByTestId('remote-sla-running')).toContainText(/Running on remote-us… \d+ s so far/);
  await expect(remoteRow.getByRole('button', { name: 'SLA test running…' })).toBeVisible();
  await expect(tiers.getByRole('button', { name: 'pro' })).toBeDisabled();
  const slaTable = slaCard.getByTestId('sla-test-result');
  await expect(slaTable).toBeVisible({ timeout: 60_000 });
  await expect(slaTable.locator('tbody tr')).toHaveCount(2);
  for (const tier of ['free', 'turbo']) {
    const tierRow = slaTable.locator(`tr[data-tier="${tier}"]`);
    // Each tier's own n (its misses "of n"), and a verdict in the one model's words.
    await expect(tierRow.locator('[data-figure="misses"]')).toHaveText(/^\d+ of 200 /);
    await expect(tierRow.getByTestId('verdict')).toHaveText(
      new RegExp(`^(${Object.values(VERDICT_WORDS).join('|')})$`),
    );
  }
  await expect(slaCard.getByRole('alert')).toHaveCount(0);
  // Its relay is back on its tier over there.
  expect(await callPanel(remote, 'tier.get')).toEqual({ tier: 'turbo' });
  await slaCard.screenshot({ path: 'e2e/screenshots/ui-fleet-remote-sla.png' });

  // A longer test is cancelled over there; the last table stays, and the cancel is said plainly.
  await tierChecks.getByLabel('free', { exact: true }).uncheck();
  await slaCard.getByLabel('Probes per tier').fill('3000');
  await slaCard.getByLabel('Rate (Hz)').fill('100');
  await slaCard.getByRole('button', { name: 'Run SLA test on remote-us' }).click();
  await expect(slaCard.getByTestId('remote-sla-running')).toBeVisible();
  await slaCard.getByRole('button', { name: 'Cancel test' }).click();
  await expect(
    slaCard
      .getByRole('status')
      .filter({ hasText: 'Cancelled. remote-us stops its test and puts its relay back on its tier.' }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(slaCard.getByRole('alert')).toHaveCount(0);
  await expect(slaTable.locator('tbody tr')).toHaveCount(2);
  expect(await callPanel(remote, 'tier.get')).toEqual({ tier: 'turbo' });

  await remoteRow.getByRole('button', { name: 'Export report' }).click();
  await expect(remoteRow.getByRole('status').filter({ hasText: /brought here/ })).toBeVisible({
    timeout: 30_000,
  });
  const href = await remoteRow.getByRole('link', { name: 'Download' }).getAttribute('href');
  const report = await page.request.get(new URL(href ?? '', local.origin).toString());
  expect(report.status()).toBe(200);
  expect(await report.text()).toContain('<html');

  // Blocks on the bare relay show up in its tip and its window figures, from its /metrics.
  const mined = await fetch(`http://127.0.0.1:${peer.httpPort}/mine?count=5`, { method: 'POST' });
  expect(mined.ok).toBe(true);
  await expect(bareRow.locator('td').nth(1)).toHaveText('live');
  await expect(bareRow.locator('td').nth(2)).toHaveText('5');
  await expect(bareRow.locator('td').nth(6)).toHaveText('100%5 blocks', { timeout: 20_000 });
  // A bare relay is not probed by this panel: no probe compliance is claimed for it.
  await expect(bareRow.locator('td').nth(4)).toHaveText('not probed');
  await expect(bareRow.locator('td').nth(5)).toHaveText(/^≤ [\d.]+\s?ms \/ ≤ [\d.]+\s?ms$/);
  await screenshotBoth(page, 'ui-fleet');
  // The README's picture (docs/fleet.png is a copy): the view alone, light.
  await page.getByRole('region', { name: 'Fleet' }).screenshot({ path: 'e2e/screenshots/ui-fleet-view.png' });
});

import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { HistoryStore } from '../electron/services/history/history-store';
import type { RawSample } from '../electron/services/history/types';
import { Aggregator } from '../electron/services/metrics/aggregator';
import type { ReportSummary } from '../shared/report';
import { TIERS, type TierName } from '../shared/tiers';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, showView } from './support/ui';

/**
 * Windows mean what they say (issue 22): after 20 tier switches, an SLA test and a relay restart,
 * each window the Dashboard shows (its n, misses and span, read from one render) equals a report
 * exported for the same span and tier. And the SLA card at n = 100 and n = 5,000, screenshotted.
 */

const WINDOWS = [
  { name: '1m', label: '1 min' },
  { name: '15m', label: '15 min' },
  { name: '1h', label: '1 h' },
  { name: '24h', label: '24 h' },
  { name: 'session', label: 'Session' },
] as const;

interface Shown {
  from: number;
  to: number;
  n: number;
  misses: number;
  tier: TierName;
}

async function shownWindow(page: Page, label: string): Promise<Shown> {
  await page
    .getByRole('group', { name: 'SLA window' })
    .getByRole('button', { name: label, exact: true })
    .click();
  const span = page.getByTestId('sla-span');
  await expect(span).toBeVisible();
  // One read of one render: span, n and misses together (the card re-renders every second).
  return span.evaluate((el) => ({
    from: Number(el.getAttribute('data-from')),
    to: Number(el.getAttribute('data-to')),
    n: Number(el.getAttribute('data-n')),
    misses: Number(el.getAttribute('data-misses')),
    tier: el.getAttribute('data-tier') as TierName,
  }));
}

async function report(
  panel: HeadlessPanel,
  from: number,
  to: number,
  tier: TierName,
): Promise<ReportSummary> {
  const result = (await callPanel(panel, 'report.export', { from, to, tier, format: 'json' })) as {
    report: { summary: ReportSummary };
  };
  return result.report.summary;
}

test('after 20 tier switches, an SLA test and a relay restart, every window equals its report', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const panel = await startHeadlessPanel();
  try {
    await callPanel(panel, 'settings.set', {
      upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 1 },
    });
    await callPanel(panel, 'relay.start');
    const order: TierName[] = ['free', 'enterprise', 'pro', 'enterprise'];
    for (let i = 0; i < 20; i++) {
      await callPanel(panel, 'tier.set', { tier: order[i % order.length] });
      await new Promise((r) => setTimeout(r, 2500));
    }
    // 20 switches end on enterprise (order[19 % 4]); a short SLA test, then a relay restart.
    await callPanel(panel, 'slaTest.run', { tiers: ['free', 'enterprise'], probesPerTier: 100, rateHz: 100 });
    await callPanel(panel, 'relay.restart');
    await new Promise((r) => setTimeout(r, 4000));

    await openPanel(page, panel.url);
    await showView(page, 'Dashboard');
    await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'running', {
      timeout: 30_000,
    });
    await shownWindow(page, '1 h');
    await expect(page.getByTestId('sla-other-tiers')).toBeVisible();
    await screenshotBoth(page, 'ui-dashboard-after-20-switches');

    for (const w of WINDOWS) {
      const shown = await shownWindow(page, w.label);
      expect(shown.tier).toBe('enterprise');
      expect(shown.n, `${w.name} n`).toBeGreaterThan(0);
      const summary = await report(panel, shown.from, shown.to, shown.tier);
      expect({ window: w.name, n: summary.sla.n, misses: summary.sla.errorBudget.used }).toEqual({
        window: w.name,
        n: shown.n,
        misses: shown.misses,
      });
      // Other tiers in the span are listed (pro and free ran inside every window but 1 min).
      if (w.name !== '1m') {
        const listed = await page
          .getByTestId('sla-other-tiers')
          .locator('li')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-tier')));
        expect(listed).toEqual(expect.arrayContaining(['pro', 'free']));
      }
    }
  } finally {
    await panel.stop();
    removeDataDir(panel.dataDir);
  }
});

/** Live samples of `tier` written as the measurement service writes them, ending a second ago. */
function seedHistory(dataDir: string, tier: TierName, count: number, missEvery: number): void {
  const store = HistoryStore.open({
    file: path.join(dataDir, 'history.sqlite'),
    retention: { rawDays: 7, aggregateDays: 90 },
    flushIntervalMs: 60_000,
  });
  const spec = TIERS[tier];
  const agg = new Aggregator({
    tier,
    targetMs: spec.targetMs,
    objective: spec.objective,
    timeoutMs: 1000,
    closeLagMs: 0,
  });
  const end = Math.floor((Date.now() - 60_000) / 1000) * 1000;
  const samples: RawSample[] = [];
  for (let i = 0; i < count; i++) {
    const late = missEvery > 0 && i % missEvery === missEvery - 1;
    samples.push([end - (count - i) * 100, late ? spec.targetMs * 3 : spec.targetMs / 10, true, 0.02]);
  }
  agg.record(samples);
  store.addSamples(tier, samples);
  for (const second of agg.tick(end + 5000).closed) store.addSecond(second);
  store.close();
}

for (const { n, missEvery } of [
  { n: 100, missEvery: 0 },
  { n: 5000, missEvery: 2000 },
]) {
  test(`the SLA card at n = ${n.toLocaleString('en-US')} (history seeded, probing paused)`, async ({
    page,
  }) => {
    test.setTimeout(90_000);
    const seeded = await startHeadlessPanel();
    const dataDir = seeded.dataDir;
    await seeded.stop();
    seedHistory(dataDir, 'free', n, missEvery);
    const panel = await startHeadlessPanel({ dataDir });
    try {
      await callPanel(panel, 'relay.start');
      await openPanel(page, panel.url);
      await showView(page, 'Dashboard');
      const shown = await shownWindow(page, '1 h');
      // Live probing adds ~10 a second; the seeded ones are all there, and the report agrees.
      expect(shown.n).toBeGreaterThanOrEqual(n);
      await callPanel(panel, 'relay.stop');
      await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'stopped', {
        timeout: 30_000,
      });
      const card = page.locator('.sla-card');
      await card.scrollIntoViewIfNeeded();
      await page.emulateMedia({ colorScheme: 'light' });
      await card.screenshot({ path: `e2e/screenshots/ui-sla-card-n${n}.png` });
      const after = await shownWindow(page, '1 h');
      const summary = await report(panel, after.from, after.to, 'free');
      expect(summary.sla.n).toBe(after.n);
      expect(summary.sla.errorBudget.used).toBe(after.misses);
    } finally {
      await panel.stop();
      removeDataDir(dataDir);
    }
  });
}

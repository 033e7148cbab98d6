import { expect, test } from '@playwright/test';
import type { ReportSummary } from '../shared/report';
import { callPanel, removeDataDir, startHeadlessPanel } from './support/headless';

/**
 * A report for a tier shows the launch plans that tier ran under (from history, with their times)
 * and only that tier's events, whichever tier is running when it is exported.
 */
test('free and enterprise reports each show their own launch plan and events', async () => {
  test.setTimeout(90_000);
  const panel = await startHeadlessPanel();
  try {
    await callPanel(panel, 'settings.set', {
      upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 1 },
    });
    const from = Date.now();
    await callPanel(panel, 'relay.start');
    await new Promise((r) => setTimeout(r, 3000));
    const switchedAt = Date.now();
    await callPanel(panel, 'tier.set', { tier: 'enterprise' });
    await new Promise((r) => setTimeout(r, 3000));
    const report = async (tier: string) =>
      (
        (await callPanel(panel, 'report.export', { from, to: Date.now(), tier, format: 'json' })) as {
          report: { summary: ReportSummary };
        }
      ).report.summary;

    // Exported while enterprise runs: the free report still shows free's plan, not the running one.
    const free = await report('free');
    expect(free.launch?.tier).toBe('free');
    expect(free.launchPlans?.map((p) => p.launch.tier)).toEqual(['free']);
    expect(free.launchPlans?.[0]?.at).toBeLessThan(switchedAt);
    expect(free.events.list.length).toBeGreaterThan(0);
    expect(free.events.list.every((e) => e.tier === 'free')).toBe(true);

    const enterprise = await report('enterprise');
    expect(enterprise.launch?.tier).toBe('enterprise');
    expect(enterprise.launchPlans?.[0]?.at).toBeGreaterThanOrEqual(switchedAt);
    expect(enterprise.events.list.map((e) => e.kind)).toContain('tier-switch');
    // The timeline's Tier column agrees with what each event says about itself.
    for (const e of enterprise.events.list) {
      expect(e.tier).toBe('enterprise');
      if (e.kind === 'measurement-start') expect(e.details.tier).toBe('enterprise');
    }
  } finally {
    await panel.stop();
    removeDataDir(panel.dataDir);
  }
});

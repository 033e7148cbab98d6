import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bucketBoundAbove } from '../../../shared/fleet-histogram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetRow, FleetSnapshot } from '../../../shared/fleet';
import { request } from '../../../relay/test-support/clients';
import {
  BUILT,
  type DemoPeer,
  type RelayProcess,
  startDemoPeer,
  startRelay,
} from '../../../relay/test-support/processes';
import { createAppServices, type AppServices } from '../app-services';
import { relayResources } from '../supervisor/relay-service';
import { startPrometheus, type PrometheusServer } from './test-support/prometheus';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BLOCKS = 20;
/** The bucket each tier is judged by, written out here rather than taken from the code under test. */
const TARGET_LE = { free: '1', pro: '0.3', turbo: '0.005' } as const;
const TIERS = Object.keys(TARGET_LE) as Array<keyof typeof TARGET_LE>;
const signal = new AbortController().signal;

let peer: DemoPeer;
const relays: Partial<Record<keyof typeof TARGET_LE, RelayProcess>> = {};
let prometheus: PrometheusServer;
let services: AppServices;
let dataDir: string;
const call = <T>(method: string, params: unknown = {}) =>
  services.dispatch(method, params, { signal }) as Promise<T>;
const instance = (tier: keyof typeof TARGET_LE) => `127.0.0.1:${relays[tier]!.healthPort}`;

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  peer = await startDemoPeer(0);
  for (const tier of TIERS) {
    relays[tier] = await startRelay({
      TIER: tier,
      API_KEYS: 'fleet-test-key-0123',
      BITCOIN_NODE: `127.0.0.1:${peer.p2pPort}`,
      BITCOIN_NETWORK: 'regtest',
    });
  }
  await Promise.all(TIERS.map((t) => relays[t]!.logs.find((l) => l.message === 'headers synced', 'synced')));
  prometheus = await startPrometheus({
    targets: TIERS.map(instance),
    ruleFiles: [
      path.join(ROOT, 'ops/prometheus/rules/sprint-recording.yml'),
      path.join(ROOT, 'ops/prometheus/rules/sprint-alerts.yml'),
    ],
  });
  // Scraped before any block: increase() then sees every block inside the window.
  await until('Prometheus scraping all three relays', async () => {
    const up = await prometheus.query('up == 1');
    return up.length === 3 ? up : null;
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-fleet-'));
  services = createAppServices({
    dataDir,
    resources: relayResources(path.dirname(BUILT.relay)),
    fleetPollMs: 500,
  });
}, 60_000);

afterAll(async () => {
  await services?.dispose();
  await prometheus?.stop();
  await Promise.all([...Object.values(relays).map((r) => r.stop()), peer?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Fleet view against a real Prometheus scraping three relays', () => {
  const byMetrics: Partial<Record<string, FleetRow>> = {};

  it('adds the relays by health URL and computes window figures from their /metrics', async () => {
    for (const tier of TIERS) {
      await call('fleet.add', { kind: 'relay', url: relays[tier]!.healthPortUrl, label: `relay-${tier}` });
    }
    await call<FleetSnapshot>('fleet.list', { window: '5m' }); // a baseline scrape before the blocks
    const mined = await request(`http://127.0.0.1:${peer.httpPort}/mine?count=${BLOCKS}`, { method: 'POST' });
    expect(mined.status).toBe(200);
    const snapshot = await until('every relay row counting 20 blocks', async () => {
      const s = await call<FleetSnapshot>('fleet.list', { window: '5m' });
      const relayRows = s.rows.filter((r) => r.source === 'relay');
      return relayRows.length === 3 && relayRows.every((r) => r.samples === BLOCKS) ? s : null;
    });
    for (const row of snapshot.rows.filter((r) => r.source === 'relay')) {
      byMetrics[row.instance ?? ''] = row;
      expect(row).toMatchObject({
        via: 'metrics',
        state: 'live',
        tip: BLOCKS,
        lagBlocks: 0,
        controllable: false,
      });
      expect(row.p50Ms).toBeGreaterThan(0);
    }
    expect(snapshot.rows.find((r) => r.source === 'local')).toMatchObject({ state: 'stopped', tier: 'free' });
    expect(TIERS.map((t) => byMetrics[instance(t)]?.tier)).toEqual(TIERS);
  });

  it("with the Prometheus added, the rows' figures are PromQL's, equal to queries run directly", async () => {
    await until('Prometheus seeing all 20 blocks on each relay', async () => {
      const n = await prometheus.query('bitcoin_sprint_relay_latency_seconds_count == 20');
      return n.length === 3 ? n : null;
    });
    await call('fleet.add', { kind: 'prometheus', url: prometheus.url });
    const snapshot = await call<FleetSnapshot>('fleet.list', { window: '5m' });
    expect(snapshot.prometheus).toMatchObject({ ok: true });
    const one = async (expr: string) => {
      const r = await prometheus.query(expr, snapshot.at);
      expect(r, expr).toHaveLength(1);
      return r[0]!.value;
    };
    for (const tier of TIERS) {
      const row = snapshot.rows.find((r) => r.instance === instance(tier));
      expect(row, tier).toMatchObject({
        source: 'relay',
        via: 'prometheus',
        tier,
        tip: BLOCKS,
        lagBlocks: 0,
      });
      const sel = `instance="${instance(tier)}"`;
      const hist = `bitcoin_sprint_relay_latency_seconds`;
      const p50 = await one(`histogram_quantile(0.5, sum by (le) (rate(${hist}_bucket{${sel}}[5m])))`);
      const p999 = await one(`histogram_quantile(0.999, sum by (le) (rate(${hist}_bucket{${sel}}[5m])))`);
      const within = await one(`sum(increase(${hist}_bucket{${sel},le="${TARGET_LE[tier]}"}[5m]))`);
      const total = await one(`sum(increase(${hist}_count{${sel}}[5m]))`);
      // The row carries the bound of the bucket PromQL's interpolation falls in, not the interpolation.
      expect(row!.p50Ms).toBeCloseTo(bucketBoundAbove(p50) * 1000, 9);
      expect(row!.p999Ms).toBeCloseTo(bucketBoundAbove(p999) * 1000, 9);
      expect(row!.compliance).toBeCloseTo(within / total, 12);
      expect(row!.samples).toBeCloseTo(total, 9);
      // The /metrics-delta figures agree too: ratios are untouched by increase()'s extrapolation.
      const scraped = byMetrics[instance(tier)]!;
      expect(scraped.compliance).toBeCloseTo(row!.compliance!, 9);
      expect(scraped.p50Ms).toBeCloseTo(row!.p50Ms!, 6);
      // Counts differ by design: increase() extrapolates to the window's edges (up to ~1.1 scrape
      // intervals past the last sample), two scrapes' delta does not.
      expect(scraped.samples).toBe(BLOCKS);
      expect(total).toBeGreaterThanOrEqual(BLOCKS);
    }
  });

  it("ops/ recording rules run on the real server and agree with the Fleet view's compliance", async () => {
    const snapshot = await call<FleetSnapshot>('fleet.list', { window: '5m' });
    for (const tier of TIERS) {
      const row = snapshot.rows.find((r) => r.instance === instance(tier))!;
      // The rule's first evaluations are not yet the window's figure: NaN (0/0) before its rate window
      // holds two scrapes with requests, and rate()'s extrapolation over two scrapes can even read
      // below 0. Wait (20 s at most) for it to settle on the Fleet view's figure; the last reading is
      // in the failure.
      const expected = 1 - row.compliance!;
      let last: number | undefined;
      const settled = await until(`recorded error ratio for ${tier} to reach ${expected}`, async () => {
        const r = await prometheus.query(
          `sprint:relay_latency_error_ratio:rate5m{instance="${instance(tier)}"}`,
        );
        last = r[0]?.value;
        return last !== undefined && Number.isFinite(last) && Math.abs(last - expected) < 0.005 ? last : null;
      }).catch((error: unknown) => {
        throw new Error(`${String(error)} (last reading ${last})`);
      });
      expect(settled).toBeCloseTo(expected, 2);
    }
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
    };
    const all = rules.data.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter((r) => r.health === 'err')).toEqual([]);
  });

  it('every query of the Grafana dashboard runs on the real server', async () => {
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'ops/grafana/sprint-fleet.json'), 'utf8')) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      const concrete = expr
        .replaceAll('$job', '.+')
        .replaceAll('$instance', instance('pro'))
        .replaceAll('$window', '5m')
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__range', '1h');
      await expect(prometheus.query(concrete), concrete).resolves.toBeDefined();
    }
    const lag = await prometheus.query(
      'max by (network) (bitcoin_sprint_tip_height * on (job, instance) group_left (network) bitcoin_sprint_build_info)',
    );
    expect(lag).toEqual([{ labels: { network: 'regtest' }, value: BLOCKS }]);
  });
});

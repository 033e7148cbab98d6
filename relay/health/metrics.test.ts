import { describe, expect, it } from 'vitest';
import { TIERS } from '../../shared/tiers';
import { promtool } from '../test-support/promtool';
import { LATENCY_BUCKETS, type MetricSources, RelayMetrics } from './metrics';
import { MAX_PEER_LABELS, MAX_REASON_LABELS } from './peer-metrics';

function sources(over: Partial<MetricSources> = {}): MetricSources {
  return {
    streamClients: () => ({ ws: 0, sse: 0 }),
    readyPeers: () => 0,
    tipHeight: () => null,
    cpuCores: () => 2,
    sync: () => null,
    ...over,
  };
}

const turbo = { tier: TIERS.turbo, gcPercent: 25, network: 'regtest' } as const;
const sample = (text: string, name: string): string[] =>
  text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));

describe('RelayMetrics text', () => {
  it('leaves the tip height and sync series absent until known, then reports them', async () => {
    let tip: number | null = null;
    const m = new RelayMetrics(
      turbo,
      sources({
        tipHeight: () => tip,
        sync: () => (tip ? { progress: 0.5, height: tip, targetHeight: 2 * tip } : null),
      }),
    );
    const before = await m.registry.metrics();
    expect(before).toContain('# TYPE bitcoin_sprint_tip_height gauge');
    expect(sample(before, 'bitcoin_sprint_tip_height')).toEqual([]);
    expect(sample(before, 'bitcoin_sprint_sync_progress_ratio')).toEqual([]);
    tip = 812_345;
    const after = await m.registry.metrics();
    expect(sample(after, 'bitcoin_sprint_tip_height')).toEqual(['bitcoin_sprint_tip_height 812345']);
    expect(sample(after, 'bitcoin_sprint_sync_progress_ratio')).toEqual([
      'bitcoin_sprint_sync_progress_ratio 0.5',
    ]);
  });

  it('carries build and tier info as value-1 series, and request codes as a label', async () => {
    const m = new RelayMetrics(turbo, sources());
    m.observeApi(1, 'latest', 200);
    m.observeApi(1, 'latest', 401);
    m.observeApi(1, 'latest', 429);
    m.observeApi(1, 'latest', 429);
    const text = await m.registry.metrics();
    expect(text).toContain('bitcoin_sprint_tier_info{tier="turbo",level="maximum"} 1');
    expect(text).toMatch(
      /^bitcoin_sprint_build_info\{version="[^"]+",runtime="node",runtime_version="[^"]+",network="regtest"\} 1$/m,
    );
    expect(text).toContain('bitcoin_sprint_api_requests_total{route="latest",code="429"} 2');
    expect(text).toContain('bitcoin_sprint_api_requests_total{route="latest",code="401"} 1');
    expect(text).toContain('bitcoin_sprint_sla_target_seconds 0.005');
  });

  it('puts latency bucket bounds exactly on every SLA target', async () => {
    for (const t of Object.values(TIERS)) expect(LATENCY_BUCKETS).toContain(t.targetMs / 1000);
    const m = new RelayMetrics(turbo, sources());
    m.observeRelay(4.9);
    m.observeRelay(5.1);
    const text = await m.registry.metrics();
    expect(text).toContain('bitcoin_sprint_relay_latency_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('bitcoin_sprint_relay_latency_seconds_bucket{le="0.3"} 2');
    expect(sample(text, 'bitcoin_sprint_sla_compliance_rate')).toEqual([
      'bitcoin_sprint_sla_compliance_rate 0.5',
    ]);
  });

  it('serves all five compatibility names on the compat registry, four of them on /metrics', async () => {
    const m = new RelayMetrics(turbo, sources());
    m.observeRelay(1);
    const compat = await m.compatRegistry.metrics();
    const main = await m.registry.metrics();
    for (const name of [
      'bitcoin_sprint_optimization_level',
      'bitcoin_sprint_gc_percent',
      'bitcoin_sprint_cpu_cores',
      'bitcoin_sprint_memory_alloc_mb',
      'bitcoin_sprint_sla_compliance_rate',
    ]) {
      expect(sample(compat, name)).toHaveLength(1);
      expect(sample(main, name)).toHaveLength(name === 'bitcoin_sprint_memory_alloc_mb' ? 0 : 1);
    }
    expect(compat).toContain('bitcoin_sprint_optimization_level{level="maximum",tier="turbo"} 3');
    expect(compat).toContain('bitcoin_sprint_gc_percent 25');
  });

  it('caps peer and reason labels, folding the rest into "other"', async () => {
    const m = new RelayMetrics(turbo, sources());
    for (let i = 0; i < MAX_PEER_LABELS + 5; i++) m.peers.announceLead(`10.0.0.${i}:8333`, 10);
    for (let i = 0; i < MAX_REASON_LABELS + 3; i++) m.peers.disconnect(`CODE_${i}`);
    m.peers.ban('MISBEHAVING');
    m.peers.announceLead('10.0.0.1:8333', Number.NaN);
    const text = await m.registry.metrics();
    const peers = new Set(
      [...text.matchAll(/bitcoin_sprint_peer_announce_lead_seconds_count\{peer="([^"]+)"\}/g)].map(
        (x) => x[1],
      ),
    );
    expect(peers.size).toBe(MAX_PEER_LABELS + 1);
    expect(text).toContain('bitcoin_sprint_peer_announce_lead_seconds_count{peer="other"} 5');
    expect(text).toContain(`bitcoin_sprint_peer_disconnects_total{reason="other"} 3`);
    expect(text).toContain('bitcoin_sprint_peer_bans_total{reason="MISBEHAVING"} 1');
  });

  it('passes promtool check metrics with every series populated', async () => {
    const m = new RelayMetrics(
      turbo,
      sources({ tipHeight: () => 5, sync: () => ({ progress: 1, height: 5, targetHeight: 5 }) }),
    );
    m.observeRelay(2);
    m.observeApi(1, 'status', 200);
    m.peers.disconnect('PEER_CLOSED');
    m.peers.ban('BAD_HEADER');
    m.peers.announceLead('127.0.0.1:18444', 0);
    const check = await promtool(['check', 'metrics'], await m.registry.metrics());
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
    // The compat endpoint is the one that cannot be clean: promtool names the abbreviated unit.
    const compat = await promtool(['check', 'metrics'], await m.compatRegistry.metrics());
    expect(compat.output).toContain('bitcoin_sprint_memory_alloc_mb');
  });
});

import * as hdr from 'hdr-histogram-js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BitcoinNetwork } from '../../shared/relay-contract';
import type { TierSpec } from '../../shared/tiers';
import type { Route } from '../api/server';
import type { GcPercent } from './knob-config';
import { RELAY_VERSION } from '../util/version';
import { registerCompatMetrics } from './compat-metrics';
import { optionalGauge } from './optional-gauge';
import { PeerMetrics } from './peer-metrics';

/** Bounds sit exactly on the SLA targets (5 ms, 300 ms, 1 s) with finer steps below the tightest. */
export const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 1, 2.5, 5,
];

/**
 * prom-client's default collectors that `promtool check metrics` rejects: gauges named `_total`.
 * The same figures stay available without the suffix (nodejs_active_handles{type}, …).
 */
const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Live values read only when scraped, so the hot paths never touch a gauge. */
export interface MetricSources {
  streamClients(): { ws: number; sse: number };
  readyPeers(): number;
  /** Null until the relay knows a tip: the series is absent then, never 0. */
  tipHeight(): number | null;
  cpuCores(): number;
  /**
   * Header sync: progress 0..1, headers held on the best chain and the height peers report; null
   * while unknown (no peer has told us its height yet), so the series are absent rather than 0.
   */
  sync(): { progress: number; height: number; targetHeight: number } | null;
}

export interface MetricsIdentity {
  readonly tier: TierSpec;
  readonly gcPercent: GcPercent;
  readonly network: BitcoinNetwork;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Prometheus metrics (own Registry, so nothing global leaks between instances) plus an HDR histogram
 * of relay latency in microseconds for the percentiles /health reports. Sections, in order: identity
 * (build, tier), latency and traffic, chain and sync, peers (PeerMetrics), compatibility names.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  /** /metrics/compat: the seed's five names, one of which /metrics cannot carry lint-clean. */
  readonly compatRegistry = new Registry();
  readonly peers: PeerMetrics;
  blocksRelayed = 0;
  apiRequests = 0;
  private withinTarget = 0;
  private readonly targetMs: number;
  private readonly relayLatency: Histogram;
  private readonly apiLatency: Histogram;
  private readonly relayedCounter: Counter;
  private readonly reorgCounter: Counter;
  private readonly reorgDepth: Histogram;
  reorgs = 0;
  private readonly apiCounter: Counter<'route' | 'code'>;
  private readonly relayHdr = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3.6e9 });

  constructor(identity: MetricsIdentity, sources: MetricSources) {
    const { tier } = identity;
    this.targetMs = tier.targetMs;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    for (const name of LINT_FAILING_DEFAULTS) this.registry.removeSingleMetric(name);

    // Identity: info-style series (value 1, the facts in labels) for joins in PromQL.
    new Gauge({
      name: 'bitcoin_sprint_build_info',
      help: 'Relay build and runtime, value 1',
      labelNames: ['version', 'runtime', 'runtime_version', 'network'],
      registers,
    }).set(
      {
        version: RELAY_VERSION,
        runtime: 'node',
        runtime_version: process.versions.node,
        network: identity.network,
      },
      1,
    );
    new Gauge({
      name: 'bitcoin_sprint_tier_info',
      help: 'Tier the relay runs under and its optimization level, value 1',
      labelNames: ['tier', 'level'],
      registers,
    }).set({ tier: tier.name, level: tier.level }, 1);
    new Gauge({
      name: 'bitcoin_sprint_sla_target_seconds',
      help: "Latency a block must be relayed within to count toward the tier's SLA",
      registers,
    }).set(tier.targetMs / 1000);
    new Gauge({
      name: 'bitcoin_sprint_sla_objective_ratio',
      help: "Share of blocks the tier's SLA requires within target (0.999 = 99.9%)",
      registers,
    }).set(tier.objective);

    // Latency and traffic.
    this.relayLatency = new Histogram({
      name: 'bitcoin_sprint_relay_latency_seconds',
      help: 'From the upstream announcement arriving at the relay to its write to stream clients',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.apiLatency = new Histogram({
      name: 'bitcoin_sprint_api_latency_seconds',
      help: 'Time the relay spends answering an API request',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.relayedCounter = new Counter({
      name: 'bitcoin_sprint_blocks_relayed_total',
      help: 'New blocks pushed to stream clients',
      registers,
    });
    this.reorgCounter = new Counter({
      name: 'bitcoin_sprint_reorgs_total',
      help: 'Times the best chain switched to a branch with more work',
      registers,
    });
    this.reorgDepth = new Histogram({
      name: 'bitcoin_sprint_reorg_depth_blocks',
      help: 'Blocks disconnected per reorg',
      buckets: [1, 2, 3, 6, 10, 100, 1000, 10000],
      registers,
    });
    this.apiCounter = new Counter({
      name: 'bitcoin_sprint_api_requests_total',
      help: 'API requests answered, by route and HTTP status code (401 bad key, 429 rate limited)',
      labelNames: ['route', 'code'],
      registers,
    });
    new Gauge({
      name: 'bitcoin_sprint_stream_clients',
      help: 'Connected stream clients by transport',
      labelNames: ['transport'],
      registers,
      collect() {
        const c = sources.streamClients();
        this.set({ transport: 'ws' }, c.ws);
        this.set({ transport: 'sse' }, c.sse);
      },
    });
    new Gauge({
      name: 'bitcoin_sprint_memory_alloc_bytes',
      help: 'Heap in use by the relay runtime (V8 heap used for Node)',
      registers,
      collect() {
        this.set(process.memoryUsage().heapUsed);
      },
    });

    // Chain and sync: absent while unknown.
    optionalGauge('bitcoin_sprint_tip_height', 'Height of the best valid header', registers, () =>
      sources.tipHeight(),
    );
    optionalGauge(
      'bitcoin_sprint_sync_progress_ratio',
      'Header sync progress, 0 to 1 (1 once caught up with the best peer)',
      registers,
      () => sources.sync()?.progress ?? null,
    );
    new Gauge({
      name: 'bitcoin_sprint_sync_headers',
      help: 'Headers: held on the best chain (kind="stored") and the height peers report (kind="target")',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        const s = sources.sync();
        if (!s) return;
        this.set({ kind: 'stored' }, s.height);
        this.set({ kind: 'target' }, s.targetHeight);
      },
    });

    // Peers.
    new Gauge({
      name: 'bitcoin_sprint_peers',
      help: 'Upstream peers with a completed handshake',
      registers,
      collect() {
        this.set(sources.readyPeers());
      },
    });
    this.peers = new PeerMetrics(registers);

    registerCompatMetrics(
      tier,
      identity.gcPercent,
      {
        cpuCores: () => sources.cpuCores(),
        complianceRate: () => (this.blocksRelayed === 0 ? null : this.withinTarget / this.blocksRelayed),
      },
      { lintClean: registers, compatOnly: [this.compatRegistry] },
    );
  }

  observeRelay(latencyMs: number): void {
    this.blocksRelayed++;
    if (latencyMs <= this.targetMs) this.withinTarget++;
    this.relayedCounter.inc();
    this.relayLatency.observe(latencyMs / 1000);
    this.relayHdr.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  observeReorg(depth: number): void {
    this.reorgs++;
    this.reorgCounter.inc();
    this.reorgDepth.observe(depth);
  }

  observeApi(latencyMs: number, route: Route, code: number): void {
    this.apiRequests++;
    this.apiCounter.inc({ route, code: String(code) });
    this.apiLatency.observe(latencyMs / 1000);
  }

  /** Relay latency percentiles in ms. */
  relaySummary(): LatencySummary {
    const h = this.relayHdr;
    const ms = (us: number): number => us / 1000;
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      max: ms(h.maxValue),
    };
  }
}

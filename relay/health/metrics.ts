import * as hdr from 'hdr-histogram-js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TierSpec } from '../../shared/tiers';
import type { GcPercent } from '../config';

/** Bounds sit exactly on the SLA targets (5 ms, 300 ms, 1 s) with finer steps below the tightest. */
export const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 1, 2.5, 5,
];

const LEVEL_VALUE = { standard: 1, high: 2, maximum: 3 } as const;

/** Live values read only when scraped, so the hot paths never touch a gauge. */
export interface MetricSources {
  streamClients(): { ws: number; sse: number };
  readyPeers(): number;
  tipHeight(): number | null;
  cpuCores(): number;
  /** Header sync: progress 0..1 and headers held / known to exist. */
  sync(): { progress: number; height: number; targetHeight: number };
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
 * of relay latency in microseconds for the percentiles /health reports.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  blocksRelayed = 0;
  apiRequests = 0;
  private readonly relayLatency: Histogram;
  private readonly apiLatency: Histogram;
  private readonly relayedCounter: Counter;
  private readonly apiCounter: Counter;
  private readonly relayHdr = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3.6e9 });

  constructor(tier: TierSpec, gcPercent: GcPercent, sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
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
    this.apiCounter = new Counter({
      name: 'bitcoin_sprint_api_requests_total',
      help: 'API requests answered, any status',
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
      name: 'bitcoin_sprint_peers',
      help: 'Upstream peers with a completed handshake',
      registers,
      collect() {
        this.set(sources.readyPeers());
      },
    });
    new Gauge({
      name: 'bitcoin_sprint_tip_height',
      help: 'Height of the best valid header',
      registers,
      collect() {
        this.set(sources.tipHeight() ?? 0);
      },
    });
    new Gauge({
      name: 'bitcoin_sprint_sync_progress_ratio',
      help: 'Header sync progress, 0..1 (1 once caught up with the best peer)',
      registers,
      collect() {
        this.set(sources.sync().progress);
      },
    });
    new Gauge({
      name: 'bitcoin_sprint_sync_headers',
      help: 'Headers: held on the best chain (kind="stored") and the height peers report (kind="target")',
      labelNames: ['kind'],
      registers,
      collect() {
        const s = sources.sync();
        this.set({ kind: 'stored' }, s.height);
        this.set({ kind: 'target' }, s.targetHeight);
      },
    });
    new Gauge({
      name: 'bitcoin_sprint_optimization_level',
      help: 'Optimization level of the tier: 1 standard, 2 high, 3 maximum',
      labelNames: ['level', 'tier'],
      registers,
    }).set({ level: tier.level, tier: tier.name }, LEVEL_VALUE[tier.level]);
    new Gauge({
      name: 'bitcoin_sprint_gc_percent',
      help: 'GC_PERCENT requested (-1 = off, 100 = runtime default); Node cannot apply it, see /health knobs',
      registers,
    }).set(gcPercent === 'off' ? -1 : (gcPercent ?? 100));
    new Gauge({
      name: 'bitcoin_sprint_cpu_cores',
      help: 'CPU cores the relay may use',
      registers,
      collect() {
        this.set(sources.cpuCores());
      },
    });
    new Gauge({
      name: 'bitcoin_sprint_memory_alloc_mb',
      help: 'V8 heap in use, MB',
      registers,
      collect() {
        this.set(process.memoryUsage().heapUsed / 1048576);
      },
    });
  }

  observeRelay(latencyMs: number): void {
    this.blocksRelayed++;
    this.relayedCounter.inc();
    this.relayLatency.observe(latencyMs / 1000);
    this.relayHdr.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  observeApi(latencyMs: number): void {
    this.apiRequests++;
    this.apiCounter.inc();
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

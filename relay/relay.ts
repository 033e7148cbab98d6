import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayHealth } from '../shared/relay-contract';
import type { RelayConfig } from './config';
import type { Logger } from './util/log';
import { RELAY_VERSION } from './util/version';
import { nowMs } from './util/clock';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { HeaderChain } from './chain/chain';
import { CHAIN_PARAMS } from './chain/params';
import { type ReorgEvent, type TipEvent, Upstream } from './p2p/upstream';
import { headerQueries } from './api/headers';
import { type LatestPayload, LatestBlock } from './api/latest';
import { RateLimiter } from './api/ratelimit';
import { createApiServer } from './api/server';
import { StreamHub } from './api/streams';
import { type KnobOutcome, applyKnobs } from './health/knobs';
import { RelayMetrics } from './health/metrics';
import { createHealthServer } from './health/server';

export interface ListeningPorts {
  apiPort: number;
  healthPort: number;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The relay process: upstream peers in, header chain in the middle, API and streams out. */
export class Relay {
  private readonly chain: HeaderChain;
  private readonly upstream: Upstream;
  private readonly latest: LatestBlock;
  private readonly hub: StreamHub;
  private readonly metrics: RelayMetrics;
  private readonly knobs: KnobOutcome;
  private readonly api: http.Server;
  private readonly health: http.Server;
  private readonly stopHealth: () => void;
  private readonly startedAt = Date.now();
  private ready = false;

  constructor(
    private readonly config: RelayConfig,
    private readonly log: Logger,
  ) {
    this.knobs = applyKnobs(config);
    this.chain = openChain(config, log);
    this.latest = new LatestBlock(config.preallocBuffers);
    this.hub = new StreamHub(log, () => this.tip());
    this.metrics = new RelayMetrics(
      { tier: config.tier, gcPercent: config.gcPercent, network: config.network },
      {
        streamClients: () => this.hub.counts,
        readyPeers: () => this.upstream.peers().filter((p) => p.state === 'ready').length,
        tipHeight: () => this.tip()?.height ?? null,
        cpuCores: () => this.knobs.cpuCores,
        sync: () => {
          const info = this.upstream.syncInfo();
          return info.state === 'connecting' ? null : info;
        },
      },
    );
    this.upstream = new Upstream({
      nodes: config.nodes,
      chain: this.chain,
      log,
      keepAlive: config.optimizeSystem,
      onTip: (e) => this.onTip(e),
      onReorg: (e) => this.onReorg(e),
      upstreamSyncRetryMs: config.upstreamSyncRetryMs,
      hygiene: config.hygiene,
      peerEvents: this.metrics.peers,
    });
    const limit = config.tier.rateLimit;
    const panelKey = config.apiKeys[0];
    this.api = createApiServer({
      keys: new Set(config.apiKeys),
      limiter: new RateLimiter(
        limit.perSecond,
        limit.burst,
        new Set(panelKey === undefined ? [] : [panelKey]),
      ),
      latest: this.latest,
      hub: this.hub,
      headers: headerQueries(this.chain, config.network, () => ({
        seq: this.hub.seq,
        epoch: this.hub.epoch,
      })),
      status: () => this.status(),
      notLive: () => this.notLiveBody(),
      observe: (ms, route, code) => this.metrics.observeApi(ms, route, code),
      keepAliveMs: config.optimizeSystem ? 60_000 : 5_000,
    });
    const health = createHealthServer({
      metrics: this.metrics,
      isReady: () => this.isLive(),
      health: (runtime) => this.healthReport(runtime),
    });
    this.health = health.server;
    this.stopHealth = health.stop;
  }

  /** Health first, so /ready can answer 503 until the API is actually listening. */
  async start(): Promise<ListeningPorts> {
    const healthPort = await listen(this.health, this.config.healthPort, this.config.apiHost);
    const apiPort = await listen(this.api, this.config.apiPort, this.config.apiHost);
    this.ready = true;
    this.upstream.start();
    this.log.info('relay listening', {
      apiPort,
      healthPort,
      tier: this.config.tier.name,
      network: this.config.network,
      nodes: this.config.nodes.map((n) => `${n.host}:${n.port}`),
      knobs: this.knobs.knobs,
    });
    return { apiPort, healthPort };
  }

  async stop(): Promise<void> {
    this.ready = false;
    const closed = Promise.all([
      new Promise((resolve) => this.api.close(resolve)),
      new Promise((resolve) => this.health.close(resolve)),
    ]);
    this.hub.closeAll();
    this.upstream.stop();
    this.chain.close();
    this.stopHealth();
    this.api.closeIdleConnections();
    this.health.closeIdleConnections();
    // Give close frames a moment to leave, then cut whatever is still open.
    const cut = setTimeout(() => {
      this.api.closeAllConnections();
      this.health.closeAllConnections();
    }, 300);
    await closed;
    clearTimeout(cut);
  }

  /** Live: listening, caught up with the chain and a peer connected to hear new blocks from. */
  private isLive(): boolean {
    return (
      this.ready &&
      this.upstream.isSynced &&
      this.upstream.state === 'ready' &&
      !this.upstream.sync.unvalidatedWork
    );
  }

  /** The 503 body for /v1/btc/latest while catching up, or null once live. */
  private notLiveBody(): string | null {
    if (this.upstream.isSynced) {
      if (!this.latest.current && this.chain.height > 0) this.publishTip();
      return null;
    }
    return JSON.stringify({
      error: 'syncing headers: the latest block is not known yet',
      sync: this.upstream.syncInfo(),
    });
  }

  /** After a restart the stored tip becomes /latest once sync confirms it is still the tip. */
  private publishTip(): void {
    const tip = this.chain.tip;
    this.latest.set({
      height: tip.height,
      hash: tip.header.hash,
      header: tip.header.raw.toString('hex'),
      receivedAt: nowMs(),
      relayedAt: nowMs(),
      network: this.config.network,
    });
  }

  private onTip(e: TipEvent): void {
    const h = e.entry.header;
    const payload: LatestPayload = {
      height: e.entry.height,
      hash: h.hash,
      header: h.raw.toString('hex'),
      receivedAt: e.receivedAt,
      relayedAt: 0,
      network: this.config.network,
      peer: e.peer,
    };
    if (!e.live) {
      // Catch-up: becomes /latest without being pushed; "relayed" is when it was published there.
      payload.relayedAt = nowMs();
      this.latest.set(payload);
      return;
    }
    payload.relayedAt = nowMs();
    this.hub.publishBlock(payload);
    this.latest.set(payload);
    this.metrics.observeRelay(payload.relayedAt - payload.receivedAt);
    this.log.info('block relayed', {
      height: payload.height,
      hash: payload.hash,
      peer: e.peer,
      latencyMs: Number((payload.relayedAt - payload.receivedAt).toFixed(3)),
      clients: this.hub.counts,
    });
  }

  /** Logged and counted always; streamed when live (catch-up blocks are not streamed either). */
  private onReorg(e: ReorgEvent): void {
    const depth = e.disconnected.length;
    const oldTip = e.disconnected[0];
    const forkEntry = this.chain.atHeight(e.fork);
    const newTip = this.chain.tip;
    if (!oldTip || !forkEntry) return;
    this.metrics.observeReorg(depth);
    this.log.warn('reorg', {
      depth,
      oldTip: `${oldTip.height} ${oldTip.hash}`,
      newTip: `${newTip.height} ${newTip.header.hash}`,
      fork: e.fork,
      peer: e.peer,
      streamed: e.live,
    });
    if (!e.live) return;
    this.hub.publishReorg({
      network: this.config.network,
      depth,
      disconnected: [...e.disconnected],
      fork: { height: e.fork, hash: forkEntry.header.hash },
      oldTip,
      newTip: { height: newTip.height, hash: newTip.header.hash },
      relayedAt: nowMs(),
    });
  }

  private tip(): { height: number; hash: string } | null {
    const t = this.chain.tip;
    return t.height === 0 && !this.latest.current ? null : { height: t.height, hash: t.header.hash };
  }

  private status(): unknown {
    const clients = this.hub.counts;
    return {
      tier: this.config.tier.name,
      network: this.config.network,
      version: RELAY_VERSION,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      upstream: this.upstream.state,
      peers: this.upstream.peers(),
      tip: this.tip(),
      streamClients: { ...clients, total: clients.ws + clients.sse },
      blocksRelayed: this.metrics.blocksRelayed,
      reorgs: this.metrics.reorgs,
      stream: { seq: this.hub.seq, epoch: this.hub.epoch },
    };
  }

  private healthReport(runtime: {
    eventLoopDelayMs: { p50: number; p99: number; max: number };
  }): RelayHealth {
    const mem = process.memoryUsage();
    const state = this.upstream.state;
    const sync = this.upstream.syncInfo();
    return {
      status: !this.upstream.isSynced ? 'syncing' : state === 'ready' ? 'ok' : 'degraded',
      tier: this.config.tier.name,
      optimizationLevel: this.config.tier.level,
      version: RELAY_VERSION,
      runtime: {
        name: 'node',
        nodeVersion: process.versions.node,
        cpuCores: this.knobs.cpuCores,
        gc: this.config.gcPercent === null ? 'default' : String(this.config.gcPercent),
        heapUsedMb: Math.round((mem.heapUsed / 1048576) * 10) / 10,
        rssMb: Math.round((mem.rss / 1048576) * 10) / 10,
        eventLoopDelayMs: runtime.eventLoopDelayMs,
        uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      },
      upstream: {
        state,
        synced: this.upstream.isSynced,
        sync,
        store: {
          file: this.config.dataDir !== null,
          ...this.chain.loadReport,
          writeFailure: this.chain.storeFailure,
        },
        network: this.config.network,
        peers: this.upstream.peers(),
        tip: this.tip(),
        unvalidatedWork: this.upstream.sync.unvalidatedWork,
        presyncBytes: this.upstream.sync.presyncBytes,
        futureHeadersRejected: this.upstream.sync.futureRejected,
        clock: this.upstream.clockReport(),
      },
      stream: { seq: this.hub.seq, epoch: this.hub.epoch, replay: this.hub.replayStats },
      knobs: this.knobs.knobs,
      performance: {
        blocksRelayed: this.metrics.blocksRelayed,
        relayLatencyMs: this.metrics.relaySummary(),
        apiRequests: this.metrics.apiRequests,
        streamClients: this.hub.counts,
        reorgs: this.metrics.reorgs,
      },
    };
  }
}

function openChain(config: RelayConfig, log: Logger): HeaderChain {
  const network = CHAIN_PARAMS[config.network];
  const params =
    config.minimumChainWork === null ? network : { ...network, minimumChainWork: config.minimumChainWork };
  if (config.dataDir === null) return new HeaderChain(params);
  const file = path.join(config.dataDir, `headers-${config.network}.dat`);
  // Said plainly, once, instead of a crash loop the supervisor can only call "relay failed".
  if (existsSync(config.dataDir) && !statSync(config.dataDir).isDirectory())
    throw new Error(`DATA_DIR ${config.dataDir} is a file, not a folder: point DATA_DIR at a folder.`);
  mkdirSync(config.dataDir, { recursive: true });
  if (existsSync(file) && statSync(file).isDirectory())
    throw new Error(
      `The header store ${file} is a folder, not a file: remove or rename it, or point DATA_DIR elsewhere.`,
    );
  const chain = new HeaderChain(params, {
    file,
    onStoreFailure: (reason) =>
      log.error('header store write failed: new headers are kept in memory only until restart', {
        file,
        reason,
      }),
  });
  const r = chain.loadReport;
  if (r.repaired !== null) log.warn('header store repaired', { reason: r.repaired, height: chain.height });
  log.info('header store loaded', { height: chain.height, ms: r.ms, dataDir: config.dataDir });
  return chain;
}

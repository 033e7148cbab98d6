// relay-scale: the relay against a peer serving a mainnet-sized chain (925,000 generated regtest
// headers) that announces a block every 2 s throughout. Sync from nothing, restart to live with
// DATA_DIR, settled RSS, and how quickly /health answers while headers pour in.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cachedRegtestChain } from '../relay/test-support/chain-gen';
import { ChainPeer } from '../relay/test-support/chain-peer';
import { request } from '../relay/test-support/clients';
import { type RelayProcess, startRelay } from '../relay/test-support/processes';
import { SettingsStore } from '../electron/services/settings/settings-store';
import { RelayService, relayResources } from '../electron/services/supervisor/relay-service';
import type { TierName } from '../shared/tiers';
import { distFile, median, tempDir } from './support';
import type { BenchSection } from './types';

const HEADERS = 925_000;
const ANNOUNCE_MS = 2000;
const RESTARTS = 3;
const SWITCHES = 6;
const KEY = 'bench-scale-key';

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

/** Polls /ready until 200, timing /health answers on the way. */
async function untilLive(relay: RelayProcess, healthMs: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const t = performance.now();
    await request(`${relay.healthPortUrl}/health`);
    healthMs.push(performance.now() - t);
    if ((await request(`${relay.healthPortUrl}/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`relay not live within ${timeoutMs} ms`);
}

async function timeToLive(
  port: number,
  dataDir: string,
  healthMs: number[],
): Promise<{ ms: number; relay: RelayProcess }> {
  const t0 = performance.now();
  const relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${port}`, DATA_DIR: dataDir });
  await untilLive(relay, healthMs, 120_000);
  return { ms: performance.now() - t0, relay };
}

export async function runRelayScaleBench(): Promise<BenchSection> {
  const genStart = performance.now();
  const chain = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), HEADERS);
  const generateMs = performance.now() - genStart;
  const peer = new ChainPeer(chain, { announceEveryMs: ANNOUNCE_MS });
  const port = await peer.listen();
  peer.startAnnouncing();
  // The panel's data folder; the relay's store is in its relay/ folder, as the panel launches it.
  const panelData = tempDir('relay-scale');
  const dataDir = path.join(panelData, 'relay');
  try {
    const syncHealth: number[] = [];
    const first = await timeToLive(port, dataDir, syncHealth);
    const getheaders = peer.getheadersReceived;
    const served = peer.headersServed;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const settled = rssMb(first.relay.child.pid);
    await first.relay.stop();

    const restarts: number[] = [];
    const restartRss: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      const again = await timeToLive(port, dataDir, []);
      restarts.push(again.ms);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      restartRss.push(rssMb(again.relay.child.pid));
      await again.relay.stop();
    }
    const switches = await tierSwitches(panelData, port);
    const switchMs = median(switches);
    const syncS = first.ms / 1000;
    const restartMs = median(restarts);
    const rss = Math.max(settled, ...restartRss);
    const healthMax = Math.max(...syncHealth);
    return {
      title: `relay-scale: ${HEADERS.toLocaleString('en')} headers, a block announced every ${ANNOUNCE_MS / 1000} s`,
      rows: [
        { metric: 'sync from nothing to live', value: syncS, unit: 's', target: '≤ 8 s', met: syncS <= 8 },
        {
          metric: `restart to live (DATA_DIR, median of ${RESTARTS})`,
          value: restartMs,
          unit: 'ms',
          target: '≤ 1500 ms',
          met: restartMs <= 1500,
        },
        { metric: 'RSS settled (max of runs)', value: rss, unit: 'MB', target: '≤ 250 MB', met: rss <= 250 },
        {
          metric: 'getheaders sent during sync',
          value: getheaders,
          unit: 'count',
          target: `≈ ${Math.ceil(HEADERS / 2000)}`,
          met: getheaders <= Math.ceil(HEADERS / 2000) + 10,
        },
        {
          metric: 'headers served / chain length',
          value: served / HEADERS,
          unit: 'ratio',
          target: '≈ 1',
          met: served / HEADERS < 1.05,
        },
        {
          metric: `tier switch with this upstream, click to live (median of ${SWITCHES})`,
          value: switchMs,
          unit: 'ms',
          target: '≤ 1500 ms',
          met: switchMs <= 1500,
        },
        { metric: '/health answer during sync, p50', value: median(syncHealth), unit: 'ms' },
        {
          metric: '/health answer during sync, max',
          value: healthMax,
          unit: 'ms',
          target: '≤ 250 ms',
          met: healthMax <= 250,
        },
      ],
      raw: {
        generateMs,
        restarts,
        switches,
        restartRss,
        settledRss: settled,
        healthSamples: syncHealth.length,
        announced: peer.announced.length,
      },
    };
  } finally {
    peer.close();
  }
}

/** The panel's own supervisor switching tiers (each a relay restart) against the 925k-header peer. */
async function tierSwitches(panelData: string, port: number): Promise<number[]> {
  const settings = new SettingsStore(path.join(panelData, 'settings.json'));
  settings.update({
    upstream: { mode: 'node', bitcoinNode: `127.0.0.1:${port}`, network: 'regtest', demoIntervalSeconds: 10 },
  });
  const service = new RelayService({
    settings,
    resources: relayResources(distFile('relay')),
    panelKey: 'bench-scale-panel-key',
    pidFilePath: path.join(panelData, 'relay.pid'),
    dataDir: panelData,
  });
  try {
    await service.start();
    const out: number[] = [];
    const tiers: TierName[] = ['enterprise', 'free'];
    for (let i = 0; i < SWITCHES; i++) {
      const result = await service.switchTier(tiers[i % 2]!);
      if (result.durationMs === null || result.status.state !== 'running')
        throw new Error('switch did not reach running');
      out.push(result.durationMs);
    }
    return out;
  } finally {
    await service.stop();
  }
}

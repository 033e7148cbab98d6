import { request } from '../relay/test-support/clients';
import { startDemoPeer } from '../relay/test-support/processes';
import { spawnGoRelay } from '../test/support/go-relay';
import { apiProbe, PANEL_KEY, relayLatency } from './relay-bench';
import type { BenchSection } from './types';

const TIER = 'turbo';

/**
 * The same probes as the `relay` section against the Go relay (relay/go, built with `npm run
 * build:go` or on first use here), so the two runtimes' figures sit side by side.
 */
export async function runGoRelayBench(): Promise<BenchSection> {
  const peer = await startDemoPeer(0);
  const relay = spawnGoRelay({
    TIER,
    API_KEYS: PANEL_KEY,
    BITCOIN_NODE: `127.0.0.1:${peer.p2pPort}`,
    BITCOIN_NETWORK: 'regtest',
  });
  try {
    const { apiPort, healthPort } = await relay.ports;
    await relay.logs.find((l) => l.msg === 'headers synced', 'relay synced');
    await request(`http://127.0.0.1:${peer.httpPort}/mine?count=1`, { method: 'POST' });
    await relay.logs.find((l) => l.msg === 'block relayed', 'first block relayed');
    const api = await apiProbe({ apiPort });
    const stream = await relayLatency(peer, { apiPort });
    const health = JSON.parse((await request(`http://127.0.0.1:${healthPort}/health`)).body) as unknown;
    const row = (metric: string, value: number, unit = 'ms') => ({
      metric,
      value: Math.round(value * 1000) / 1000,
      unit,
    });
    return {
      title: `Go relay (${TIER} tier): API probes and block relay`,
      rows: [
        row(`API /v1/btc/latest p50 (n=${api.summary.n})`, api.summary.p50),
        row('API p99', api.summary.p99),
        row('API p99.9', api.summary.p999),
        row(`Relay added p50 (n=${stream.added.n} blocks)`, stream.added.p50),
        row('Relay added p99', stream.added.p99),
        row('End to end p50 (100 WS clients)', stream.endToEnd.p50),
        row('End to end p99', stream.endToEnd.p99),
      ],
      raw: { tier: TIER, api, added: stream.added, endToEnd: stream.endToEnd, relayHealth: health },
    };
  } finally {
    await Promise.all([relay.kill(), peer.stop()]);
  }
}

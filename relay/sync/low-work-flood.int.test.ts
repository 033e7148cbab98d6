import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RelayHealth } from '../../shared/relay-contract';
import { cachedRegtestChain } from '../test-support/chain-gen';
import { ChainPeer } from '../test-support/chain-peer';
import { getJson } from '../test-support/clients';
import { type RelayProcess, startRelay } from '../test-support/processes';

const KEY = 'panel-key-flood';
const N = 1_000_000;
const peers: ChainPeer[] = [];
const relays: RelayProcess[] = [];
afterAll(async () => {
  for (const p of peers) p.close();
  await Promise.all(relays.map((r) => r.stop()));
});

type Upstream = RelayHealth['upstream'] & { presyncBytes?: number };

describe('a low-work chain of 1,000,000 headers offered by a peer', () => {
  it('is checked without being stored: RSS stays bounded, nothing reaches the header store, the peer is not banned', async () => {
    const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), N));
    peers.push(peer);
    const port = await peer.listen();
    // Far more work than the peer's chain (2 per regtest header): the whole chain is "low work".
    const relay = await startRelay({
      API_KEYS: KEY,
      BITCOIN_NODE: `127.0.0.1:${port}`,
      MINIMUM_CHAIN_WORK: 'ffffffff',
    });
    relays.push(relay);
    const health = async (): Promise<RelayHealth> =>
      RelayHealth.parse((await getJson(`${relay.healthPortUrl}/health`)).json);
    const rss = (h: RelayHealth): number => Number(h.runtime.rssMb);
    const baseline = rss(await health());
    let peak = baseline;
    let maxPresyncBytes = 0;
    let last = await health();
    const started = Date.now();
    while (last.upstream.sync?.state !== 'waiting-upstream' && Date.now() - started < 90_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await health();
      peak = Math.max(peak, rss(last));
      maxPresyncBytes = Math.max(maxPresyncBytes, (last.upstream as Upstream).presyncBytes ?? 0);
    }
    console.info(
      `low-work flood of ${N.toLocaleString()} headers: relay RSS ${baseline} MB -> peak ${peak} MB, presync state peak ${maxPresyncBytes} bytes, ${Date.now() - started} ms`,
    );
    expect(peer.headersServed).toBeGreaterThanOrEqual(N);
    expect(last.upstream.sync).toMatchObject({ state: 'waiting-upstream', upstreamHeight: N, height: 0 });
    expect(last.upstream.tip).toBeNull();
    // Stored, 1,000,000 headers are 80 MB plus their index; checked, they cost a few KB of digests.
    expect(maxPresyncBytes).toBeLessThan(64 * 1024);
    expect(peak - baseline).toBeLessThan(48);
    expect(last.upstream.peers[0]).toMatchObject({ bans: 0, misbehaviour: 0 });
  }, 180_000);
});

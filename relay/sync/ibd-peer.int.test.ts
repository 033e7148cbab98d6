import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RelayHealth } from '../../shared/relay-contract';
import { syncLabel } from '../../shared/relay-status';
import { cachedRegtestChain } from '../test-support/chain-gen';
import { ChainPeer } from '../test-support/chain-peer';
import { getJson, request } from '../test-support/clients';
import { type RelayProcess, startRelay } from '../test-support/processes';

const KEY = 'panel-key-ibd';
const peers: ChainPeer[] = [];
const relays: RelayProcess[] = [];
afterAll(async () => {
  for (const p of peers) p.close();
  await Promise.all(relays.map((r) => r.stop()));
});

const health = async (r: RelayProcess): Promise<RelayHealth> =>
  RelayHealth.parse((await getJson(`${r.healthPortUrl}/health`)).json);

async function until(
  pred: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await pred()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('an upstream node in its own initial block download (as Bitcoin Core answers)', () => {
  it('is kept and shown as syncing, never scored or banned, and the relay is live within one announcement of it finishing', async () => {
    // Core answers getheaders with an empty headers while below minimum chain work.
    const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 300), {
      ibdBelowHeight: 500,
    });
    peers.push(peer);
    const port = await peer.listen();
    // Regtest headers carry 2 units of work each: 800 is about 400 headers.
    const relay = await startRelay({
      API_KEYS: KEY,
      BITCOIN_NODE: `127.0.0.1:${port}`,
      MINIMUM_CHAIN_WORK: '320',
      UPSTREAM_SYNC_RETRY_MS: '1500',
    });
    relays.push(relay);
    await until(
      async () => (await health(relay)).upstream.sync?.state === 'waiting-upstream',
      'waiting state',
      10_000,
    );
    const during = await health(relay);
    expect(during.upstream.peers[0]?.state).toBe('syncing (height 300)');
    expect(syncLabel(during.upstream.sync!)).toBe(
      'Waiting for upstream node to finish its initial sync (height 300)',
    );
    expect((await request(`${relay.healthPortUrl}/ready`)).status).toBe(503);
    // Asked again on the slow timer, on the same connection: no drop, no ban, no points.
    await until(() => peer.getheadersReceived >= 3, 'three getheaders', 10_000);
    expect(peer.received.get('version')).toBe(1);
    const still = await health(relay);
    expect(still.upstream.peers[0]).toMatchObject({ misbehaviour: 0, bans: 0, lastDisconnect: null });
    expect(relay.logs.items.some((l) => /ban|disconnect|dropp/i.test(l.message))).toBe(false);

    // The node finishes its sync and announces its next block: live within that one announcement,
    // well before the slow timer would have asked again.
    const asked = peer.getheadersReceived;
    peer.extend(300);
    peer.announceTip();
    const ms = await until(
      async () => (await request(`${relay.healthPortUrl}/ready`)).status === 200,
      'ready',
      5_000,
    );
    expect(ms).toBeLessThan(1500);
    // Presync asks for its chain twice (work first, then the headers): a handful of requests, not a timer.
    expect(peer.getheadersReceived - asked).toBeLessThanOrEqual(5);
    const after = await health(relay);
    expect(after.upstream.peers[0]?.state).toBe('ready');
    expect(after.upstream.tip?.height).toBe(600);
    expect(peer.received.get('version')).toBe(1);
  }, 60_000);
});

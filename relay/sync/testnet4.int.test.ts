import { afterAll, describe, expect, it } from 'vitest';
import { RelayHealth } from '../../shared/relay-contract';
import { NETWORKS } from '../wire/constants';
import { ChainPeer } from '../test-support/chain-peer';
import { getJson } from '../test-support/clients';
import { type RelayProcess, startRelay } from '../test-support/processes';

const KEY = 'panel-key-testnet4';
const peers: ChainPeer[] = [];
const relays: RelayProcess[] = [];
afterAll(async () => {
  for (const p of peers) p.close();
  await Promise.all(relays.map((r) => r.stop()));
});

/** A testnet4 node at its genesis (its own framing, magic 1c163f28), as a fresh Core in IBD is. */
async function testnet4Peer(): Promise<number> {
  const peer = new ChainPeer(Buffer.from(NETWORKS.testnet4.genesisHeaderHex, 'hex'), {
    magic: Buffer.from('1c163f28', 'hex'),
  });
  peers.push(peer);
  return peer.listen();
}

describe('testnet4', () => {
  it('completes the handshake and the header exchange with a testnet4 peer from the testnet4 genesis', async () => {
    const port = await testnet4Peer();
    const relay = await startRelay({
      API_KEYS: KEY,
      BITCOIN_NODE: `127.0.0.1:${port}`,
      BITCOIN_NETWORK: 'testnet4',
    });
    relays.push(relay);
    const ready = await relay.logs.find((l) => l.message === 'peer ready', 'handshake');
    expect(ready.userAgent).toBe('/ChainPeer:1.0/');
    // The peer has nothing after genesis, below testnet4's minimum chain work: the relay waits for it.
    await relay.logs.find(
      (l) => l.message === 'upstream node is still syncing its own chain; waiting for it',
      'waiting',
    );
    const health = RelayHealth.parse((await getJson(`${relay.healthPortUrl}/health`)).json);
    expect(health.upstream).toMatchObject({ network: 'testnet4', tip: null });
    expect(health.upstream.sync).toMatchObject({ state: 'waiting-upstream', upstreamHeight: 0 });
    expect(health.upstream.peers[0]?.state).toBe('syncing (height 0)');
  }, 30_000);

  it('a testnet (3) relay pointed at a testnet4 node says so, naming both networks', async () => {
    const port = await testnet4Peer();
    const relay = await startRelay({
      API_KEYS: KEY,
      BITCOIN_NODE: `127.0.0.1:${port}`,
      BITCOIN_NETWORK: 'testnet',
    });
    relays.push(relay);
    const drop = await relay.logs.find((l) => l.message === 'peer dropped', 'drop');
    expect(drop.code).toBe('BAD_MAGIC');
    expect(String(drop.reason)).toContain(
      'peer speaks testnet4 (magic 1c163f28), this relay is set to testnet (0b110907)',
    );
  }, 30_000);

  it('a local clock 75 minutes behind its peers is reported as a warning', async () => {
    const peer = new ChainPeer(Buffer.from(NETWORKS.testnet4.genesisHeaderHex, 'hex'), {
      magic: Buffer.from('1c163f28', 'hex'),
      clockOffsetSeconds: 75 * 60,
    });
    peers.push(peer);
    const port = await peer.listen();
    const relay = await startRelay({
      API_KEYS: KEY,
      BITCOIN_NODE: `127.0.0.1:${port}`,
      BITCOIN_NETWORK: 'testnet4',
    });
    relays.push(relay);
    await relay.logs.find((l) => l.message === 'peer ready', 'handshake');
    const upstream = (
      await getJson<{ upstream: { clock: { peerOffsetSeconds: number; warning: string | null } } }>(
        `${relay.healthPortUrl}/health`,
      )
    ).json.upstream;
    expect(Math.abs(upstream.clock.peerOffsetSeconds - 4500)).toBeLessThan(5);
    expect(upstream.clock.warning).toMatch(/clock is 75 min behind its peers: set the time \(NTP\)/);
    // Logged once at warn level when it appeared, not again on each /health read.
    await getJson(`${relay.healthPortUrl}/health`);
    const warned = relay.logs.items.filter(
      (l) => l.level === 'warn' && /clock is 75 min behind/.test(l.message),
    );
    expect(warned).toHaveLength(1);
  }, 30_000);
});

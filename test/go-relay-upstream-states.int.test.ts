import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockWarningText, UpstreamClock } from '../shared/clock-offset';
import { RelayHealth } from '../shared/relay-contract';
import { syncLabel } from '../shared/relay-status';
import { cachedRegtestChain } from '../relay/test-support/chain-gen';
import { ChainPeer } from '../relay/test-support/chain-peer';
import { getJson, request } from '../relay/test-support/clients';
import { goRelayBinary, SKIP_WITHOUT_GO, spawnGoRelay } from './support/go-relay';

// The Go relay's upstream states and texts, as the TypeScript relay has them
// (relay/sync/ibd-peer.int.test.ts, shared/clock-offset.ts): an upstream node in its own initial sync
// is waited for, not dropped; a peer clock far from ours is named on /health and in the log.
const KEY = 'upstream-states-key';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function servePeer(opts: ConstructorParameters<typeof ChainPeer>[1], height = 300) {
  const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), height), opts);
  const port = await peer.listen();
  cleanups.push(() => peer.close());
  return { peer, port };
}

async function relayOn(port: number, env: Record<string, string> = {}) {
  const relay = spawnGoRelay({
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${port}`,
    BITCOIN_NETWORK: 'regtest',
    ...env,
  });
  cleanups.push(() => relay.kill());
  const { healthPort } = await relay.ports;
  return { relay, url: `http://127.0.0.1:${healthPort}` };
}

const health = async (url: string): Promise<RelayHealth> =>
  RelayHealth.parse((await getJson(`${url}/health`)).json);

/** /health upstream.clock, through the schema the panel reads it with. */
const clockOf = async (url: string): Promise<UpstreamClock> =>
  UpstreamClock.parse((await health(url)).upstream.clock ?? {});

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

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay against upstream nodes as they are', () => {
  beforeAll(() => void goRelayBinary(), 180_000);

  it('keeps an upstream node in its own initial sync, shows it waiting, asks again on the timer, and is live on its first announcement after', async () => {
    // Core answers getheaders with an empty headers while below minimum chain work.
    const { peer, port } = await servePeer({ ibdBelowHeight: 500 });
    // Regtest headers carry 2 units of work each: 0x320 (800) is 400 headers.
    const { relay, url } = await relayOn(port, { MINIMUM_CHAIN_WORK: '320', UPSTREAM_SYNC_RETRY_MS: '1500' });
    await until(
      async () => (await health(url)).upstream.sync?.state === 'waiting-upstream',
      'waiting state',
      10_000,
    );
    const during = await health(url);
    expect(during.upstream.sync).toMatchObject({
      state: 'waiting-upstream',
      upstreamHeight: 300,
      etaSeconds: null,
    });
    expect(during.upstream.peers[0]?.state).toBe('syncing (height 300)');
    expect(syncLabel(during.upstream.sync!)).toBe(
      'Waiting for upstream node to finish its initial sync (height 300)',
    );
    expect((await request(`${url}/ready`)).status).toBe(503);
    await relay.logs.find(
      (l) => l.msg === 'upstream node is still syncing its own chain; waiting for it',
      'waiting log',
    );

    // Asked again on the slow timer, on the same connection: no drop, no reconnect.
    await until(() => peer.getheadersReceived >= 3, 'three getheaders', 10_000);
    expect(peer.received.get('version')).toBe(1);
    const still = await health(url);
    expect(still.upstream.peers[0]).toMatchObject({ state: 'syncing (height 300)', lastDisconnect: null });
    expect(relay.logs.items.some((l) => /disconnect|dropp|ban/i.test(String(l.msg)))).toBe(false);

    // The node finishes its sync and announces: live within that announcement, well before the timer.
    peer.extend(300);
    peer.announceTip();
    const ms = await until(async () => (await request(`${url}/ready`)).status === 200, 'ready', 5_000);
    expect(ms).toBeLessThan(1500);
    const after = await health(url);
    expect(after.upstream.peers[0]?.state).toBe('ready');
    expect(after.upstream.sync?.state).toBe('synced');
    expect(after.upstream.tip?.height).toBe(600);
    expect(peer.received.get('version')).toBe(1);
  }, 60_000);

  it('names a peer clock 83 minutes ahead of ours on /health and once in the log; says nothing within 70 minutes', async () => {
    const ahead = await servePeer({ clockOffsetSeconds: 83 * 60 });
    const { relay, url } = await relayOn(ahead.port);
    await until(async () => typeof (await clockOf(url)).peerOffsetSeconds === 'number', 'clock', 10_000);
    const clock = await clockOf(url);
    expect(Math.abs((clock.peerOffsetSeconds ?? 0) - 83 * 60)).toBeLessThanOrEqual(2);
    expect(clock.warning).toBe(clockWarningText(clock.peerOffsetSeconds ?? NaN));
    expect(clock.warning).toMatch(/^This machine's clock is 83 min behind its peers: set the time \(NTP\)/);
    const logged = await relay.logs.find(
      (l) => String(l.msg).startsWith("This machine's clock"),
      'clock warning',
    );
    expect(logged).toMatchObject({ level: 'warn', peers: 1 });

    const close = await servePeer({ clockOffsetSeconds: -30 * 60 });
    const second = await relayOn(close.port);
    await until(
      async () => typeof (await clockOf(second.url)).peerOffsetSeconds === 'number',
      'clock',
      10_000,
    );
    expect(await clockOf(second.url)).toMatchObject({ warning: null });
    expect(second.relay.logs.items.some((l) => String(l.msg).startsWith("This machine's clock"))).toBe(false);
  }, 60_000);
});

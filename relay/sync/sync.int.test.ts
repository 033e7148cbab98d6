import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockAnnouncement, RelayHealth } from '../../shared/relay-contract';
import { cachedRegtestChain } from '../test-support/chain-gen';
import { type Announce, ChainPeer, type ChainPeerOptions } from '../test-support/chain-peer';
import { getJson, openWebSocket, request } from '../test-support/clients';
import { type RelayProcess, startRelay } from '../test-support/processes';

const KEY = 'panel-key-sync';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sync-int-'));
const peers: ChainPeer[] = [];
const relays: RelayProcess[] = [];
afterAll(async () => {
  for (const p of peers) p.close();
  await Promise.all(relays.map((r) => r.stop()));
  rmSync(tmp, { recursive: true, force: true });
});

async function servePeer(n: number, opts: ChainPeerOptions): Promise<{ peer: ChainPeer; port: number }> {
  const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), n), opts);
  peers.push(peer);
  return { peer, port: await peer.listen() };
}

async function relayFor(port: number, dataDir?: string): Promise<RelayProcess> {
  const relay = await startRelay({
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${port}`,
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
  });
  relays.push(relay);
  return relay;
}

const health = async (r: RelayProcess): Promise<RelayHealth> =>
  RelayHealth.parse((await getJson(`${r.healthPortUrl}/health`)).json);

async function waitReady(r: RelayProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await request(`${r.healthPortUrl}/ready`)).status === 200) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${JSON.stringify((await health(r)).upstream)}`);
}

describe('header sync against a peer serving a generated chain', () => {
  it('syncs 50,000 headers with blocks announced during catch-up, honest about readiness, then streams', async () => {
    const N = 50_000;
    const { peer, port } = await servePeer(N, { replyDelayMs: 30, announceEveryMs: 150 });
    peer.startAnnouncing();
    const dataDir = path.join(tmp, 'relay-data');
    const relay = await relayFor(port, dataDir);
    await relay.logs.find((l) => l.message === 'syncing headers', 'progress log', 10_000);

    // During catch-up: not ready, /health says syncing with progress, /latest is 503 with the progress.
    expect((await request(`${relay.healthPortUrl}/ready`)).status).toBe(503);
    const during = await health(relay);
    expect(during.status).toBe('syncing');
    expect(during.upstream.sync).toMatchObject({ state: 'syncing' });
    expect(during.upstream.sync?.targetHeight).toBeGreaterThanOrEqual(N);
    expect(during.upstream.sync?.height).toBeLessThan(N);
    const latest = await getJson<{ error: string; sync: { height: number; targetHeight: number } }>(
      `http://127.0.0.1:${relay.apiPort}/v1/btc/latest`,
      { 'x-api-key': KEY },
    );
    expect(latest.status).toBe(503);
    expect(latest.json.error).toMatch(/syncing/);
    expect(latest.json.sync.targetHeight).toBeGreaterThanOrEqual(N);

    await waitReady(relay, 20_000);
    const after = await health(relay);
    expect(after.status).toBe('ok');
    expect(after.upstream.sync).toMatchObject({ state: 'synced', progress: 1 });
    const metrics = (await request(`${relay.healthPortUrl}/metrics`)).body;
    expect(metrics).toMatch(/^bitcoin_sprint_sync_progress_ratio 1$/m);
    const storedMetric = Number(/^bitcoin_sprint_sync_headers\{kind="stored"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(storedMetric).toBeGreaterThanOrEqual(N);
    // One getheaders in flight: about one per 2000 headers, not one chain per announcement.
    const expected = Math.ceil(peer.height / 2000);
    expect(peer.getheadersReceived).toBeLessThanOrEqual(expected + 5);
    expect(peer.headersServed).toBeLessThanOrEqual(peer.height + 2000);

    const ws = await openWebSocket<BlockAnnouncement>(
      `ws://127.0.0.1:${relay.apiPort}/v1/btc/stream?key=${KEY}`,
    );
    await ws.messages.until((m) => m.length >= 3, '3 live blocks on the stream', 10_000);
    const got = ws.messages.items.map((m) => BlockAnnouncement.parse(m));
    const announced = new Map(peer.announced.map((a) => [a.hash, a.height]));
    for (const [i, b] of got.entries()) {
      expect(announced.get(b.hash)).toBe(b.height);
      if (i > 0) expect(b.height).toBe((got[i - 1]?.height ?? 0) + 1);
    }
    ws.close();

    // Restart with the same DATA_DIR: resumes from the stored tip, fetches only what is new.
    await relay.stop();
    const servedBefore = peer.headersServed;
    const again = await relayFor(port, dataDir);
    await waitReady(again, 10_000);
    const stored = await again.logs.find((l) => l.message === 'header store loaded', 'store log');
    expect(Number(stored.height)).toBeGreaterThanOrEqual(N);
    expect(peer.headersServed - servedBefore).toBeLessThan(2000);
    // Live again: /latest is the stored (and confirmed) tip, not a 503 and not a stale height.
    const resumed = await getJson<BlockAnnouncement>(`http://127.0.0.1:${again.apiPort}/v1/btc/latest`, {
      'x-api-key': KEY,
    });
    expect(resumed.status).toBe(200);
    expect(resumed.json.height).toBeGreaterThanOrEqual(N);
    await again.stop();
  }, 60_000);

  for (const via of ['headers', 'inv', 'cmpctblock'] as Announce[]) {
    it(`a peer silent on an up-to-date getheaders still gets its ${via} announcements streamed`, async () => {
      // Start height 0 as some implementations report it, so only the silence can say we are synced.
      const opts = { silentWhenUpToDate: true, announceVia: via, reportStartHeight: 0 };
      const { peer, port } = await servePeer(4000, opts);
      const relay = await relayFor(port);
      const synced = await relay.logs.find((l) => l.message === 'headers synced', 'synced', 15_000);
      expect(synced).toMatchObject({ height: 4000, why: expect.stringMatching(/unanswered/) });
      await waitReady(relay, 5_000);
      const ws = await openWebSocket<BlockAnnouncement>(
        `ws://127.0.0.1:${relay.apiPort}/v1/btc/stream?key=${KEY}`,
      );
      const mined = [peer.mineAndAnnounce(), peer.mineAndAnnounce()];
      await new Promise((resolve) => setTimeout(resolve, 50));
      mined.push(peer.mineAndAnnounce());
      await ws.messages.until((m) => m.length >= 3, `3 blocks via ${via}`, 10_000);
      expect(ws.messages.items.map((m) => BlockAnnouncement.parse(m).hash)).toEqual(mined.map((m) => m.hash));
      ws.close();
      await relay.stop();
    }, 30_000);
  }
});

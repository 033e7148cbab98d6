import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlockAnnouncement, RelayHealth } from '../shared/relay-contract';
import { getJson, openSse, openWebSocket, request } from '../relay/test-support/clients';
import { startDemoPeer, type DemoPeer } from '../relay/test-support/processes';
import { runGo } from '../scripts/build-go-relay.mjs';
import {
  goRelayBinary,
  promtoolCheck,
  SKIP_WITHOUT_GO,
  spawnGoRelay,
  type GoRelayProcess,
} from './support/go-relay';

// The Go relay (relay/go) against the relay contract, spawned directly, following the real demo peer.
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PANEL = 'panel-key-go';
const USER = 'user-key-go';

async function relayFollowing(node: string, env: Record<string, string> = {}) {
  const relay = spawnGoRelay({
    API_KEYS: `${PANEL},${USER}`,
    BITCOIN_NODE: node,
    BITCOIN_NETWORK: 'regtest',
    ...env,
  });
  cleanups.push(() => relay.kill());
  const ports = await relay.ports;
  return {
    relay,
    api: `http://127.0.0.1:${ports.apiPort}`,
    health: `http://127.0.0.1:${ports.healthPort}`,
    ...ports,
  };
}

async function demoPeer(): Promise<DemoPeer> {
  const peer = await startDemoPeer(0);
  cleanups.push(() => peer.stop());
  return peer;
}

/** The display hash of an 80-byte header, by Node's own SHA-256: no code shared with the relay. */
const headerHash = (hex: string) =>
  createHash('sha256')
    .update(createHash('sha256').update(Buffer.from(hex, 'hex')).digest())
    .digest()
    .reverse()
    .toString('hex');

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function exitOf(relay: GoRelayProcess, withinMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${withinMs} ms`)), withinMs);
  });
  try {
    return await Promise.race([relay.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay honours the relay contract', () => {
  beforeAll(() => void goRelayBinary(), 180_000);

  it('passes its own Go unit tests (framing, header hashing against mainnet headers, config, knobs)', () => {
    expect(runGo(['test', '-count=1', './...'])).toMatch(/^ok\s/m);
  }, 120_000);

  it('syncs from the demo peer, streams a new block on WebSocket and SSE, serves it on /latest', async () => {
    const peer = await demoPeer();
    await request(`http://127.0.0.1:${peer.httpPort}/mine?count=3`, { method: 'POST' });
    const { api, health } = await relayFollowing(`127.0.0.1:${peer.p2pPort}`);
    await expect.poll(async () => (await request(`${health}/ready`)).status, { timeout: 10_000 }).toBe(200);
    const ws = await openWebSocket<unknown>(`${api.replace('http', 'ws')}/v1/btc/stream`, {
      'X-API-Key': PANEL,
    });
    const sse = await openSse<unknown>(`${api}/v1/btc/events?key=${PANEL}`);
    cleanups.push(async () => (ws.close(), sse.close()));
    await request(`http://127.0.0.1:${peer.httpPort}/mine`, { method: 'POST' });
    const pushed = BlockAnnouncement.parse(await ws.messages.find(() => true, 'a block on the WebSocket'));
    const evented = BlockAnnouncement.parse(await sse.messages.find(() => true, 'a block on SSE'));
    expect(pushed.height).toBe(4);
    expect(evented.hash).toBe(pushed.hash);
    expect(headerHash(pushed.header)).toBe(pushed.hash);
    const blocks = (await getJson<Array<{ hash: string }>>(`http://127.0.0.1:${peer.httpPort}/blocks`)).json;
    expect(blocks.at(-1)?.hash).toBe(pushed.hash);
    expect(pushed.relayedAt).toBeGreaterThanOrEqual(pushed.receivedAt);
    const latest = await getJson(`${api}/v1/btc/latest`, { 'X-API-Key': PANEL });
    expect(latest.status).toBe(200);
    expect(BlockAnnouncement.parse(latest.json).hash).toBe(pushed.hash);
  });

  it('losing its only peer makes it not ready again: /latest 503 rather than a header that may be old', async () => {
    const peer = await demoPeer();
    await request(`http://127.0.0.1:${peer.httpPort}/mine?count=2`, { method: 'POST' });
    const { api, health, relay } = await relayFollowing(`127.0.0.1:${peer.p2pPort}`);
    await expect.poll(async () => (await request(`${health}/ready`)).status, { timeout: 10_000 }).toBe(200);
    expect((await request(`${api}/v1/btc/latest`, { headers: { 'X-API-Key': PANEL } })).status).toBe(200);
    await peer.stop();
    await relay.logs.find(
      (l) => l.msg === 'no upstream peer left; not synced until one answers',
      'sync lost',
    );
    expect((await request(`${health}/ready`)).status).toBe(503);
    expect((await request(`${api}/v1/btc/latest`, { headers: { 'X-API-Key': PANEL } })).status).toBe(503);
  });

  it('/health fits the shared schema with the Go runtime read back; /metrics passes promtool', async () => {
    const peer = await demoPeer();
    const { health } = await relayFollowing(`127.0.0.1:${peer.p2pPort}`, { TIER: 'pro', GOMAXPROCS: '1' });
    const report = RelayHealth.parse((await getJson(`${health}/health`)).json);
    expect(report).toMatchObject({ tier: 'pro', optimizationLevel: 'high' });
    // Pro asks GC_PERCENT=50; with no GOGC from a launcher the relay applies it itself.
    expect(report.runtime).toMatchObject({ name: 'go', gomaxprocs: 1, gc_percent: 50 });
    expect(report.knobs.GOMAXPROCS).toEqual({ requested: 1, applied: 1 });
    expect(report.knobs.GC_PERCENT).toMatchObject({ requested: null, applied: 50 });
    const metrics = await request(`${health}/metrics`);
    expect(metrics.body).toMatch(/^bitcoin_sprint_gc_percent 50$/m);
    expect(metrics.body).toMatch(/^bitcoin_sprint_relay_latency_seconds_bucket\{le="0.005"\} \d+$/m);
    const lint = promtoolCheck(metrics.body);
    if (lint.available) expect(lint.ok, lint.output).toBe(true);
    else if (process.env.CI) throw new Error(`promtool is required in CI: ${lint.output}`);
  });

  it('refuses a missing key (401) and rate-limits a free-tier key after its burst (429, Retry-After)', async () => {
    const { api } = await relayFollowing(`127.0.0.1:${await closedPort()}`);
    expect((await request(`${api}/v1/btc/status`)).status).toBe(401);
    expect((await request(`${api}/v1/btc/status`, { headers: { 'X-API-Key': 'nope' } })).status).toBe(401);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await request(`${api}/v1/btc/status`, { headers: { 'X-API-Key': USER } });
      statuses.push(res.status);
      retryAfter ??= res.headers['retry-after'] as string | undefined;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 20; i++) {
      expect((await request(`${api}/v1/btc/status`, { headers: { 'X-API-Key': PANEL } })).status).toBe(200);
    }
  });

  it('with no reachable peer: /latest answers 503 with the sync state, /ready 503, /health degraded', async () => {
    const { api, health, relay } = await relayFollowing(`127.0.0.1:${await closedPort()}`);
    await relay.logs.find((l) => l.msg === 'upstream peer disconnected', 'a failed connect logged');
    const latest = await getJson<{ sync: { state: string; progress: number } }>(`${api}/v1/btc/latest`, {
      'X-API-Key': PANEL,
    });
    expect(latest.status).toBe(503);
    expect(latest.json.sync).toMatchObject({ state: 'connecting', progress: 0 });
    expect((await request(`${health}/ready`)).status).toBe(503);
    const report = RelayHealth.parse((await getJson(`${health}/health`)).json);
    expect(report.status).toBe('degraded');
    expect(report.upstream.peers[0]).toMatchObject({
      state: expect.stringMatching(/connecting|disconnected/),
    });
  });

  it('keeps its headers under DATA_DIR: a restart resumes from the stored tip', async () => {
    const peer = await demoPeer();
    await request(`http://127.0.0.1:${peer.httpPort}/mine?count=40`, { method: 'POST' });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'go-relay-data-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const first = await relayFollowing(`127.0.0.1:${peer.p2pPort}`, { DATA_DIR: dataDir });
    await first.relay.logs.find((l) => l.msg === 'headers synced' && l.height === 40, 'synced to 40');
    first.relay.child.kill('SIGTERM');
    expect((await exitOf(first.relay, 2000)).code).toBe(0);
    await peer.stop();
    // The peer is gone: whatever the restarted relay knows came from its store.
    const second = await relayFollowing(`127.0.0.1:${peer.p2pPort}`, { DATA_DIR: dataDir });
    const loaded = await second.relay.logs.find((l) => l.msg === 'header store loaded', 'store loaded');
    expect(loaded.height).toBe(40);
    const report = RelayHealth.parse((await getJson(`${second.health}/health`)).json);
    expect(report.upstream.tip?.height).toBe(40);
  });

  it('SIGTERM stops it gracefully with exit 0, logged in zap field names', async () => {
    const { relay } = await relayFollowing(`127.0.0.1:${await closedPort()}`);
    relay.child.kill('SIGTERM');
    expect(await exitOf(relay, 2000)).toEqual({ code: 0, signal: null });
    const stopping = relay.logs.items.find((l) => l.msg === 'stopping');
    expect(stopping).toMatchObject({ level: 'info', why: 'terminated', logger: 'relay' });
    expect(Math.abs((stopping?.ts as number) * 1000 - Date.now())).toBeLessThan(10_000);
  });

  it('with SPRINT_PARENT_WATCH=1 it exits when its stdin closes (the panel died)', async () => {
    const relay = spawnGoRelay(
      { API_KEYS: PANEL, BITCOIN_NODE: `127.0.0.1:${await closedPort()}`, SPRINT_PARENT_WATCH: '1' },
      'pipe',
    );
    cleanups.push(() => relay.kill());
    await relay.ports;
    relay.child.stdin?.end();
    expect((await exitOf(relay, 2000)).code).toBe(0);
  });

  it.each([
    ['TIER', { TIER: 'gold' }],
    ['HIGH_PRIORITY', { HIGH_PRIORITY: 'yes' }],
    ['GOGC', { GOGC: 'fast' }],
  ])('a bad %s is a startup error: exit 2 and a JSON line naming it', async (variable, env) => {
    const relay = spawnGoRelay({ API_KEYS: PANEL, ...env });
    cleanups.push(() => relay.kill());
    expect((await exitOf(relay, 5000)).code).toBe(2);
    expect(relay.logs.items).toContainEqual(expect.objectContaining({ level: 'error', variable }));
  });
});

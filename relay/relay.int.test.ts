import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type WebSocket from 'ws';
import { BlockAnnouncement, RelayHealth } from '../shared/relay-contract';
import { getJson, openSse, openWebSocket, request, type StreamClient } from './test-support/clients';
import { promtool } from './test-support/promtool';
import {
  BUILT,
  type DemoPeer,
  type RelayProcess,
  exitWithin,
  spawnBuilt,
  startDemoPeer,
  startRelay,
} from './test-support/processes';

const PANEL = 'panel-key-0123';
const USER = 'user-key-4567';
const BLOCKS = 20;

interface Mined {
  height: number;
  hash: string;
  sentAt: number;
}

describe('relay against the demo peer (built processes)', () => {
  let peer: DemoPeer;
  let relay: RelayProcess;
  let api: string;
  let health: string;
  const clients: Array<StreamClient<BlockAnnouncement>> = [];
  let firstWs: WebSocket | undefined;
  const panel = { 'x-api-key': PANEL };

  beforeAll(async () => {
    peer = await startDemoPeer(0);
    relay = await startRelay({
      TIER: 'free',
      API_KEYS: `${PANEL},${USER}`,
      BITCOIN_NODE: `127.0.0.1:${peer.p2pPort}`,
      BITCOIN_NETWORK: 'regtest',
    });
    api = `http://127.0.0.1:${relay.apiPort}`;
    health = `http://127.0.0.1:${relay.healthPort}`;
    // Mining before the first headers exchange would make the first blocks catch-up, not news.
    await relay.logs.find((l) => l.message === 'headers synced', 'relay synced with the demo peer');
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([relay?.stop(), peer?.stop()]);
  });

  it('answers 503 on /latest before any block, and /ready 200 once listening', async () => {
    const latest = await getJson<{ error: string }>(`${api}/v1/btc/latest`, panel);
    expect(latest.status).toBe(503);
    expect(latest.json.error).toMatch(/no block/);
    expect((await request(`${health}/ready`)).status).toBe(200);
  });

  it('pushes all 20 mined blocks, in order, to 2 WebSocket and 1 SSE client', async () => {
    const first = await openWebSocket<BlockAnnouncement>(
      `ws://127.0.0.1:${relay.apiPort}/v1/btc/stream`,
      panel,
    );
    firstWs = first.ws;
    clients.push(
      first,
      await openWebSocket<BlockAnnouncement>(`ws://127.0.0.1:${relay.apiPort}/v1/btc/stream?key=${PANEL}`),
      await openSse<BlockAnnouncement>(`${api}/v1/btc/events?key=${PANEL}`),
    );
    const status = await getJson<{ streamClients: { ws: number; sse: number } }>(
      `${api}/v1/btc/status`,
      panel,
    );
    expect(status.json.streamClients).toMatchObject({ ws: 2, sse: 1 });

    const mine = await request(`http://127.0.0.1:${peer.httpPort}/mine?count=${BLOCKS}`, { method: 'POST' });
    const mined = JSON.parse(mine.body) as Mined[];
    expect(mined.map((b) => b.height)).toEqual(Array.from({ length: BLOCKS }, (_, i) => i + 1));

    for (const c of clients) {
      await c.messages.until((m) => m.length >= BLOCKS, `${BLOCKS} blocks on a stream client`);
      const got = c.messages.items.map((m) => BlockAnnouncement.parse(m));
      expect(got.map((b) => b.height)).toEqual(mined.map((b) => b.height));
      expect(got.map((b) => b.hash)).toEqual(mined.map((b) => b.hash));
      for (const b of got) {
        expect(b.relayedAt).toBeGreaterThanOrEqual(b.receivedAt);
        expect(b.relayedAt - b.receivedAt).toBeLessThan(1000);
      }
    }
  });

  it('serves /latest equal to the demo peer tip, without consuming it', async () => {
    const tip = await getJson<{ height: number; hash: string; header: string }>(
      `http://127.0.0.1:${peer.httpPort}/tip`,
    );
    for (let i = 0; i < 3; i++) {
      const latest = await getJson<unknown>(`${api}/v1/btc/latest`, panel);
      expect(latest.status).toBe(200);
      expect(BlockAnnouncement.parse(latest.json)).toMatchObject(tip.json);
      expect(latest.json).toMatchObject({ network: 'regtest' });
    }
  });

  it('answers 401 JSON without a valid key, on HTTP and on the WebSocket upgrade', async () => {
    for (const headers of [undefined, { 'x-api-key': 'wrong' }]) {
      const res = await request(`${api}/v1/btc/latest`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.body)).toEqual({ error: expect.stringMatching(/key/) });
    }
    // The query-string key is for the streams only.
    expect((await request(`${api}/v1/btc/latest?key=${PANEL}`)).status).toBe(401);
    await expect(openWebSocket(`ws://127.0.0.1:${relay.apiPort}/v1/btc/stream`)).rejects.toThrow('HTTP 401');
    await expect(openSse(`${api}/v1/btc/events?key=nope`)).rejects.toThrow('HTTP 401');
  });

  it('rate-limits a free-tier key past its burst with 429 + Retry-After, never the panel key', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await request(`${api}/v1/btc/latest`, { headers: { 'x-api-key': USER }, agent });
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= String(res.headers['retry-after']);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 200; i++) {
      expect((await request(`${api}/v1/btc/latest`, { headers: panel, agent })).status).toBe(200);
    }
    agent.destroy();
  });

  it('refuses request bodies over 1 KB and unknown paths', async () => {
    const body = 'x'.repeat(2000);
    const sized = await request(`${api}/v1/btc/latest`, {
      headers: { ...panel, 'content-length': '2000' },
      body,
    });
    expect(sized.status).toBe(413);
    const chunked = await request(`${api}/v1/btc/latest`, {
      method: 'POST',
      headers: { ...panel, 'transfer-encoding': 'chunked' },
      body,
    });
    expect(chunked.status).toBe(413);
    const small = await request(`${api}/v1/btc/latest`, {
      headers: { ...panel, 'content-length': '10' },
      body: 'x'.repeat(10),
    });
    expect(small.status).toBe(200);
    expect((await request(`${api}/v1/nope`, { headers: panel })).status).toBe(404);
    expect((await request(`${api}/v1/btc/latest`, { method: 'POST', headers: panel })).status).toBe(405);
  });

  it('reports /health matching the shared RelayHealth schema', async () => {
    const res = await getJson<unknown>(`${health}/health`);
    expect(res.status).toBe(200);
    const h = RelayHealth.parse(res.json);
    expect(h).toMatchObject({ status: 'ok', tier: 'free', optimizationLevel: 'standard' });
    expect(h.upstream.tip?.height).toBe(BLOCKS);
    expect(h.upstream.peers[0]?.state).toBe('ready');
    expect(Object.keys(h.knobs).sort()).toEqual(
      [
        'GC_PERCENT',
        'HIGH_PRIORITY',
        'LOCK_OS_THREAD',
        'MAX_CPU_CORES',
        'OPTIMIZE_SYSTEM',
        'PREALLOC_BUFFERS',
        // Its V8's own knob, beside the seed's six (a Go binary reports GOGC, GOMAXPROCS, GOMEMLIMIT).
        'V8_SEMI_SPACE_MIB',
      ].sort(),
    );
    // No semi-space was asked for: reported as V8's own choice, not as applied by request.
    expect(h.knobs.V8_SEMI_SPACE_MIB?.requested ?? null).toBeNull();
    expect(h.performance).toMatchObject({ blocksRelayed: BLOCKS, relayLatencyMs: { count: BLOCKS } });
  });

  it('exposes Prometheus histograms with buckets on the SLA targets', async () => {
    const res = await request(`${health}/metrics`);
    expect(res.status).toBe(200);
    for (const le of ['0.005', '0.3', '1']) {
      expect(res.body).toContain(`bitcoin_sprint_relay_latency_seconds_bucket{le="${le}"}`);
      expect(res.body).toContain(`bitcoin_sprint_api_latency_seconds_bucket{le="${le}"}`);
    }
    expect(res.body).toMatch(new RegExp(`^bitcoin_sprint_relay_latency_seconds_count ${BLOCKS}$`, 'm'));
    expect(res.body).toMatch(/^bitcoin_sprint_tip_height 20$/m);
    expect(res.body).toContain('bitcoin_sprint_tier_info{tier="free",level="standard"} 1');
    expect(res.body).toMatch(/^bitcoin_sprint_api_requests_total\{route="latest",code="200"\} \d+$/m);
    expect(res.body).toContain('bitcoin_sprint_optimization_level{level="standard",tier="free"} 1');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it("passes promtool check metrics on the live relay's /metrics; /metrics/compat keeps the seed's names", async () => {
    await request(`${api}/v1/btc/latest`, { headers: { 'x-api-key': 'wrong-key' } });
    const res = await request(`${health}/metrics`);
    expect(res.body).toMatch(/^bitcoin_sprint_api_requests_total\{route="latest",code="401"\} [1-9]\d*$/m);
    const check = await promtool(['check', 'metrics'], res.body);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
    const compat = await request(`${health}/metrics/compat`);
    expect(compat.status).toBe(200);
    expect(compat.body).toMatch(/^bitcoin_sprint_memory_alloc_mb \d/m);
    expect(compat.body).toMatch(/^bitcoin_sprint_sla_compliance_rate 1$/m);
  });

  it('stops on SIGTERM: closes streams and exits 0 within 2 s', async () => {
    const closed = new Promise<number>((resolve) => firstWs?.once('close', (code) => resolve(code)));
    relay.child.kill('SIGTERM');
    const exit = await exitWithin(relay, 2500);
    expect(exit.code).toBe(0);
    expect(await closed).toBe(1001);
  });

  it('exits when its parent dies (stdin closes) with SPRINT_PARENT_WATCH=1', async () => {
    const child = await startRelay(
      { API_KEYS: PANEL, BITCOIN_NODE: `127.0.0.1:${peer.p2pPort}`, SPRINT_PARENT_WATCH: '1' },
      'pipe',
    );
    try {
      child.child.stdin?.end();
      expect((await exitWithin(child, 3000)).code).toBe(0);
      expect(child.logs.items.some((l) => l.message === 'stopping' && l.why === 'parent stdin closed')).toBe(
        true,
      );
    } finally {
      await child.stop();
    }
  });

  it.each([
    ['HIGH_PRIORITY', 'yes'],
    ['TIER', 'platinum'],
    ['API_PORT', 'eighty'],
  ])('exits 2 at startup naming %s when it is %s', async (name, value) => {
    const child = spawnBuilt(BUILT.relay, [], { API_KEYS: PANEL, API_PORT: '0', [name]: value });
    try {
      expect((await exitWithin(child, 5000)).code).toBe(2);
      const err = await child.logs.find((l) => l.level === 'error', 'error log line', 1000);
      expect(err).toMatchObject({ message: 'invalid configuration', variable: name });
      expect(String(err.error)).toContain(name);
    } finally {
      await child.stop();
    }
  });
});

import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedRegtestChain } from '../relay/test-support/chain-gen';
import { getJson, openSse, openWebSocket, request } from '../relay/test-support/clients';
import {
  goRelayBinary,
  promtoolCheck,
  SKIP_WITHOUT_GO,
  spawnGoRelay,
  type GoRelayProcess,
} from './support/go-relay';
import { type BlockRef, ReorgPeer } from './support/reorg-peer';

// The Go relay against a chain-serving peer that reorganises at the depths of the stream issue,
// deepest past one getheaders reply: the relay ends on the most-work tip each time, the stream
// names every disconnected block before the new branch with seq unbroken, no client is dropped, and
// a client that resumes with since gets exactly what it missed.
const KEY = 'reorg-test-key';
const BASE = 3_000;
const DEPTHS = [1, 3, 10, 150, 1_100, 2_500];
const TS_RELAY_FAMILIES = {
  bitcoin_sprint_build_info: 'gauge',
  bitcoin_sprint_tier_info: 'gauge',
  bitcoin_sprint_sla_target_seconds: 'gauge',
  bitcoin_sprint_sla_objective_ratio: 'gauge',
  bitcoin_sprint_relay_latency_seconds: 'histogram',
  bitcoin_sprint_api_latency_seconds: 'histogram',
  bitcoin_sprint_blocks_relayed_total: 'counter',
  bitcoin_sprint_api_requests_total: 'counter',
  bitcoin_sprint_stream_clients: 'gauge',
  bitcoin_sprint_memory_alloc_bytes: 'gauge',
  bitcoin_sprint_tip_height: 'gauge',
  bitcoin_sprint_sync_progress_ratio: 'gauge',
  bitcoin_sprint_sync_headers: 'gauge',
  bitcoin_sprint_peers: 'gauge',
  bitcoin_sprint_peer_disconnects_total: 'counter',
  bitcoin_sprint_peer_bans_total: 'counter',
  bitcoin_sprint_peer_announce_lead_seconds: 'histogram',
  bitcoin_sprint_optimization_level: 'gauge',
  bitcoin_sprint_gc_percent: 'gauge',
  bitcoin_sprint_cpu_cores: 'gauge',
  bitcoin_sprint_sla_compliance_rate: 'gauge',
  bitcoin_sprint_reorgs_total: 'counter',
  bitcoin_sprint_reorg_depth_blocks: 'histogram',
};

interface Msg {
  type: string;
  seq: number;
  epoch: string;
  height?: number;
  hash?: string;
  depth?: number;
  disconnected?: BlockRef[];
  fork?: BlockRef;
  oldTip?: BlockRef;
  newTip?: BlockRef;
  reason?: string;
}

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay through reorgs of depth 1 to 2,500', () => {
  let peer: ReorgPeer;
  let relay: GoRelayProcess;
  let api = '';
  let health = '';
  const headers = { 'X-API-Key': KEY };

  beforeAll(async () => {
    goRelayBinary();
    peer = new ReorgPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), BASE));
    const port = await peer.listen();
    relay = spawnGoRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${port}`, BITCOIN_NETWORK: 'regtest' });
    const ports = await relay.ports;
    api = `127.0.0.1:${ports.apiPort}`;
    health = `http://127.0.0.1:${ports.healthPort}`;
  }, 180_000);
  afterAll(async () => {
    await relay?.kill();
    peer?.close();
  });

  it(
    'follows every reorg to the most-work tip and streams each one whole',
    { timeout: 120_000 },
    async () => {
      await expect.poll(async () => (await request(`${health}/ready`)).status, { timeout: 20_000 }).toBe(200);
      const getheadersAtSync = peer.getheaders;
      expect(getheadersAtSync).toBeLessThanOrEqual(Math.ceil(BASE / 2000) + 2);
      const ws = await openWebSocket<Msg>(`ws://${api}/v1/btc/stream`, headers);
      const sse = await openSse<Msg>(`http://${api}/v1/btc/events`, headers);
      const expected: Array<Pick<Msg, 'type' | 'height' | 'hash' | 'depth'>> = [];
      for (const depth of DEPTHS) {
        const r = peer.reorg(depth);
        const newTip = r.added.at(-1)!;
        await ws.messages.until(
          (items) => items.some((m) => m.type === 'block' && m.hash === newTip.hash),
          `depth ${depth}: the new tip on the WebSocket`,
          30_000,
        );
        const reorg = ws.messages.items.find((m) => m.type === 'reorg' && m.newTip?.hash === newTip.hash);
        expect(reorg, `depth ${depth}`).toMatchObject({
          depth,
          disconnected: r.disconnected,
          fork: r.fork,
          oldTip: r.disconnected[0],
          newTip,
        });
        expected.push({ type: 'reorg', depth }, ...r.added.map((b) => ({ type: 'block', ...b })));
        const latest = await getJson<{ hash: string; height: number }>(
          `http://${api}/v1/btc/latest`,
          headers,
        );
        expect(latest.json).toMatchObject(newTip);
      }
      const all = expected.length;
      await sse.messages.until((items) => items.length >= all, 'every event on SSE', 30_000);
      for (const stream of [ws.messages.items, sse.messages.items]) {
        // The reorgs and blocks as they arrived (heights only: a failure shows where they differ).
        const summary = (list: Array<Pick<Msg, 'type' | 'height' | 'depth'>>) =>
          list.map((m) => (m.type === 'reorg' ? `reorg ${m.depth}` : `${m.type} ${m.height}`)).join(', ');
        expect(summary(stream)).toBe(summary(expected));
        expect(stream.length).toBe(all);
        // seq unbroken, one epoch, and the events in order: each reorg before its branch's blocks.
        stream.forEach((m, i) => expect(m.seq).toBe(stream[0]!.seq + i));
        expect(new Set(stream.map((m) => m.epoch)).size).toBe(1);
        expect(
          stream.map((m) =>
            m.type === 'reorg'
              ? { type: m.type, depth: m.depth }
              : { type: m.type, height: m.height, hash: m.hash },
          ),
        ).toEqual(expected);
      }
      // Nobody was dropped by 1,100- and 2,500-event bursts.
      const h = (
        await getJson<{ performance: { streamClients: { ws: number; sse: number } } }>(`${health}/health`)
      ).json;
      expect(h.performance.streamClients).toMatchObject({ ws: 1, sse: 1 });
      expect(ws.ws.readyState).toBe(ws.ws.OPEN);
      expect((await request(`${health}/ready`)).status).toBe(200);
      // No getheaders storm: a few per reorg (the deepest takes two replies).
      expect(peer.getheaders - getheadersAtSync).toBeLessThanOrEqual(DEPTHS.length * 4);

      const metrics = (await request(`${health}/metrics`)).body;
      expect(metrics).toMatch(new RegExp(`^bitcoin_sprint_reorgs_total ${DEPTHS.length}$`, 'm'));
      expect(metrics).toMatch(new RegExp(`^bitcoin_sprint_reorg_depth_blocks_count ${DEPTHS.length}$`, 'm'));
      expect(metrics).toMatch(/^bitcoin_sprint_reorg_depth_blocks_bucket\{le="1000"\} 4$/m);
      // The TypeScript relay's families (relay/health/metrics.ts, peer-metrics.ts), so the shipped
      // Prometheus rules give a Go relay its SLI, alerts and dashboard row; and promtool-clean.
      for (const [name, type] of Object.entries(TS_RELAY_FAMILIES))
        expect(metrics, name).toContain(`# TYPE ${name} ${type}\n`);
      expect(metrics).toMatch(/^bitcoin_sprint_tier_info\{tier="free",level="standard"\} 1$/m);
      expect(metrics).toMatch(/^bitcoin_sprint_sla_target_seconds 1$/m);
      expect(metrics).toMatch(
        /^bitcoin_sprint_api_requests_total\{route="\/v1\/btc\/latest",code="200"\} \d+$/m,
      );
      const lint = promtoolCheck(metrics);
      if (lint.available) expect(lint.ok, lint.output).toBe(true);

      // Resume: a client back after missing the last 1,000 events gets exactly those, in order.
      const stream = ws.messages.items;
      const since = stream[stream.length - 1001]!.seq;
      const resumed = await openWebSocket<Msg>(`ws://${api}/v1/btc/stream?since=${since}`, headers);
      await resumed.messages.until((items) => items.length >= 1000, 'the 1,000 missed events', 10_000);
      expect(resumed.messages.items.map((m) => m.seq)).toEqual(stream.slice(-1000).map((m) => m.seq));
      resumed.close();
      const sseResumed = await openSse<Msg>(`http://${api}/v1/btc/events`, {
        ...headers,
        'Last-Event-ID': String(stream.at(-3)!.seq),
      });
      await sseResumed.messages.until((items) => items.length >= 2, 'two missed events by Last-Event-ID');
      expect(sseResumed.messages.items.map((m) => m.seq)).toEqual(stream.slice(-2).map((m) => m.seq));
      sseResumed.close();
      const ahead = await openWebSocket<Msg>(
        `ws://${api}/v1/btc/stream?since=${stream.at(-1)!.seq + 50}`,
        headers,
      );
      await ahead.messages.until((items) => items.length >= 1, 'a resync for a seq never published');
      expect(ahead.messages.items[0]).toMatchObject({
        type: 'resync',
        reason: 'unknown-seq',
        seq: stream.at(-1)!.seq,
        resyncFrom: '/v1/btc/headers',
      });
      ahead.close();

      // The header endpoints answer from the best chain: a disconnected hash is gone, its height has the
      // block that replaced it.
      const last = peer.height;
      const page = await getJson<{
        headers: Array<{ height: number; hash: string }>;
        tip: BlockRef;
        seq: number;
      }>(`http://${api}/v1/btc/headers?from=${last - 4}&count=10`, headers);
      expect(page.json.headers.map((x) => x.hash)).toEqual(
        [0, 1, 2, 3, 4].map((i) => peer.ref(last - 4 + i).hash),
      );
      expect(page.json.tip).toEqual(peer.ref(last));
      expect(page.json.seq).toBe(stream.at(-1)!.seq);
      const gone = ws.messages.items.findLast((m) => m.type === 'reorg')!.disconnected![0]!;
      expect((await request(`http://${api}/v1/btc/header/${gone.hash}`, { headers })).status).toBe(404);
      const replaced = await getJson<{ hash: string }>(`http://${api}/v1/btc/header/${gone.height}`, headers);
      expect(replaced.json.hash).toBe(peer.ref(gone.height).hash);
      const bad = await request(`http://${api}/v1/btc/headers?from=-1`, { headers });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('from');
      ws.close();
      sse.close();
    },
  );
});

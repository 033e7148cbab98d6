import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HeaderRecord, HeadersPage, StreamMessage, type StreamReorg } from '../../shared/relay-stream';
import { cachedRegtestChain } from '../test-support/chain-gen';
import { ChainPeer } from '../test-support/chain-peer';
import { getJson, openSse, openWebSocket, request } from '../test-support/clients';
import { type RelayProcess, startRelay } from '../test-support/processes';

const KEY = 'panel-key-reorg';
const peers: ChainPeer[] = [];
const relays: RelayProcess[] = [];
afterAll(async () => {
  for (const p of peers) p.close();
  await Promise.all(relays.map((r) => r.stop()));
});

async function waitReady(r: RelayProcess, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await request(`${r.healthPortUrl}/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

/** Every message parsed against the shared schema; seq must rise by exactly 1. */
function checkSequence(messages: readonly unknown[]): StreamMessage[] {
  const parsed = messages.map((m) => StreamMessage.parse(m));
  for (let i = 1; i < parsed.length; i++) expect(parsed[i]!.seq).toBe(parsed[i - 1]!.seq + 1);
  return parsed;
}

describe('reorgs a stream client can follow, against a chain-serving peer', () => {
  it('follows reorgs of depth 1, 3, 10, 150 and 1,100 to the most-work tip, naming every disconnected block, seq unbroken, resumable', async () => {
    const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 3000));
    peers.push(peer);
    const port = await peer.listen();
    const relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${port}` });
    relays.push(relay);
    await waitReady(relay);
    const api = `127.0.0.1:${relay.apiPort}`;
    const ws = await openWebSocket<unknown>(`ws://${api}/v1/btc/stream?key=${KEY}`);
    const sse = await openSse<unknown>(`http://${api}/v1/btc/events?key=${KEY}`);
    // A client that leaves after the second reorg and comes back after the fourth.
    const leaver = await openWebSocket<unknown>(`ws://${api}/v1/btc/stream?key=${KEY}`);

    const expected: { depth: number; gone: { height: number; hash: string }[] }[] = [];
    let leftAt = 0;
    let back: Awaited<ReturnType<typeof openWebSocket<unknown>>> | null = null;
    for (const depth of [1, 3, 10, 150, 1100]) {
      const gone = peer.reorg(depth, 1);
      expected.push({ depth, gone });
      const tip = { height: peer.height, hash: peer.hashAt(peer.height) };
      const arrived = (items: unknown[]): boolean =>
        items.some(
          (m) =>
            (m as { type?: string; hash?: string }).type === 'block' &&
            (m as { hash: string }).hash === tip.hash,
        );
      await ws.messages.until(arrived, `new tip ${tip.height} after a ${depth}-block reorg`, 30_000);
      await sse.messages.until(arrived, `new tip on SSE after a ${depth}-block reorg`, 10_000);
      if (depth === 3) {
        await leaver.messages.until(arrived, 'leaver caught up', 10_000);
        leftAt = checkSequence(leaver.messages.items).at(-1)!.seq;
        leaver.close();
      }
      if (depth === 150) {
        back = await openWebSocket<unknown>(`ws://${api}/v1/btc/stream?key=${KEY}&since=${leftAt}`);
        await back.messages.until(arrived, 'resumed client at the tip', 10_000);
      }
      const latest = await getJson<{ height: number; hash: string }>(`http://${api}/v1/btc/latest`, {
        'x-api-key': KEY,
      });
      expect(latest.json).toMatchObject(tip);
    }

    const all = checkSequence(ws.messages.items);
    expect(checkSequence(sse.messages.items)).toEqual(all);
    const reorgs = all.filter((m): m is StreamReorg => m.type === 'reorg');
    expect(reorgs.map((r) => r.depth)).toEqual([1, 3, 10, 150, 1100]);
    for (const [i, r] of reorgs.entries()) {
      const want = expected[i]!;
      // Every disconnected block named, old tip first, before any block of the new branch.
      expect(r.disconnected).toEqual(want.gone);
      const at = all.indexOf(r);
      const branch = all.slice(at + 1, at + 1 + want.depth + 1);
      expect(branch.map((m) => (m.type === 'block' ? m.height : -1))).toEqual(
        Array.from({ length: want.depth + 1 }, (_, k) => r.fork.height + 1 + k),
      );
    }
    // The resumed client got exactly what it missed, then the live rest: the same messages, in order.
    const resumed = checkSequence(back!.messages.items);
    expect(resumed[0]!.seq).toBe(leftAt + 1);
    expect(resumed).toEqual(all.filter((m) => m.seq > leftAt && m.seq <= resumed.at(-1)!.seq));

    // The header endpoints answer for the new branch, and not for a disconnected block.
    const top = HeaderRecord.parse(
      (await getJson(`http://${api}/v1/btc/header/${peer.height}`, { 'x-api-key': KEY })).json,
    );
    expect(top.hash).toBe(peer.hashAt(peer.height));
    const old = await getJson(`http://${api}/v1/btc/header/${expected[4]!.gone[0]!.hash}`, {
      'x-api-key': KEY,
    });
    expect(old.status).toBe(404);
    const page = HeadersPage.parse(
      (
        await getJson(`http://${api}/v1/btc/headers?from=${peer.height - 2999}&count=5000`, {
          'x-api-key': KEY,
        })
      ).json,
    );
    expect(page.headers).toHaveLength(2000);
    expect(page.headers.every((h, k) => h.hash === peer.hashAt(peer.height - 2999 + k))).toBe(true);
    expect(page.seq).toBe(all.at(-1)!.seq);

    const metrics = (await request(`${relay.healthPortUrl}/metrics`)).body;
    expect(metrics).toMatch(/^bitcoin_sprint_reorgs_total 5$/m);
    expect(metrics).toMatch(/^bitcoin_sprint_reorg_depth_blocks_bucket\{le="1000"\} 4$/m);
    const log = await relay.logs.find((l) => l.message === 'reorg' && l.depth === 1100, 'reorg log');
    expect(log.oldTip).toBe(`${expected[4]!.gone[0]!.height} ${expected[4]!.gone[0]!.hash}`);
    // The 1,100-deep fork went through presync (beyond the 1,008-block side-branch reach).
    await relay.logs.find((l) => String(l.message).startsWith('deep fork: checking its work'), 'presync log');
    // No ban, no drop: the deep fork was followed, not punished.
    expect(relay.logs.items.some((l) => /ban|misbehav/i.test(l.message))).toBe(false);
    ws.close();
    sse.close();
    back!.close();
  }, 120_000);

  it('answers a resume from a seq this run never published, or from another epoch, with one resync message', async () => {
    const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 1000));
    peers.push(peer);
    const port = await peer.listen();
    const relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${port}` });
    relays.push(relay);
    await waitReady(relay);
    const api = `127.0.0.1:${relay.apiPort}`;
    const ws = await openWebSocket<unknown>(`ws://${api}/v1/btc/stream?key=${KEY}&since=41`);
    const m = StreamMessage.parse(await ws.messages.find(() => true, 'resync'));
    expect(m).toMatchObject({
      type: 'resync',
      reason: 'unknown-seq',
      since: 41,
      seq: 0,
      resyncFrom: '/v1/btc/headers',
    });
    const other = await openWebSocket<unknown>(
      `ws://${api}/v1/btc/stream?key=${KEY}&since=0&epoch=another-run`,
    );
    expect(StreamMessage.parse(await other.messages.find(() => true, 'resync'))).toMatchObject({
      reason: 'epoch-changed',
    });
    await expect(openWebSocket(`ws://${api}/v1/btc/stream?key=${KEY}&since=-3`)).rejects.toThrow(/HTTP 400/);
    const bad = await getJson<{ error: string }>(`http://${api}/v1/btc/headers?from=abc`, {
      'x-api-key': KEY,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/from must be a height/);
    ws.close();
    other.close();
  }, 60_000);
});

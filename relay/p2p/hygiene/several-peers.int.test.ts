import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockAnnouncement } from '../../../shared/relay-contract';
import { RelayHealth } from '../../../shared/relay-contract';
import { getJson, openWebSocket, request, type StreamClient } from '../../test-support/clients';
import { type FakeConnection, FakeUpstream } from '../../test-support/fake-upstream';
import { type RelayProcess, startRelay } from '../../test-support/processes';
import { type MinedBlock, mineNext } from '../../demo-peer/miner';
import { HeaderChain } from '../../chain/chain';
import { CHAIN_PARAMS } from '../../chain/params';
import { encodeHeaders, encodeInv } from '../../wire/messages';

const KEY = 'several-peers-key';
const BLOCKS = 12;
/** Peer B announces each block this long after A, peer C twice as long (C uses inv, as some nodes do). */
const DELAY_MS = 120;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('several upstream peers: the first announcer wins, the others are measured against it', () => {
  const peers = [new FakeUpstream(), new FakeUpstream(), new FakeUpstream()];
  const addresses: string[] = [];
  const conns: FakeConnection[] = [];
  const chain = new HeaderChain(CHAIN_PARAMS.regtest);
  const blocks: MinedBlock[] = [];
  let relay: RelayProcess;
  let stream: StreamClient<BlockAnnouncement>;

  beforeAll(async () => {
    for (let i = 0; i < BLOCKS; i++) {
      const b = mineNext(chain);
      chain.add(b.header);
      blocks.push(b);
    }
    for (const p of peers) addresses.push(`127.0.0.1:${await p.listen()}`);
    relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: addresses.join(',') });
    for (const p of peers) {
      const conn = await p.connection(0);
      await conn.nextGetHeaders();
      conn.send('headers', encodeHeaders([]));
      conns.push(conn);
    }
    await relay.logs.find((l) => l.message === 'headers synced', 'synced');
    stream = await openWebSocket<BlockAnnouncement>(
      `ws://127.0.0.1:${relay.apiPort}/v1/btc/stream?key=${KEY}`,
    );
  });

  afterAll(async () => {
    stream?.close();
    for (const p of peers) p.close();
    await relay?.stop();
  });

  it('streams each block once, naming the first announcer, and reports lead/lag per peer', async () => {
    const [a, b, c] = conns;
    if (!a || !b || !c) throw new Error('three connections');
    for (const [i, block] of blocks.entries()) {
      // Block 7 comes from B first, so "first" is measured, not assumed to be the first peer.
      const [first, second] = i === 6 ? [b, a] : [a, b];
      first.send('headers', encodeHeaders([block.header]));
      await sleep(DELAY_MS);
      second.send('headers', encodeHeaders([block.header]));
      await sleep(DELAY_MS);
      c.send('inv', encodeInv([{ type: 2, hash: block.header.hashBytes }]));
      await sleep(40);
    }
    await stream.messages.until((m) => m.length >= BLOCKS, `${BLOCKS} blocks`);
    const got = stream.messages.items;
    expect(got.map((m) => m.height)).toEqual(blocks.map((x) => x.height));
    expect(got.map((m) => m.peer)).toEqual(blocks.map((_, i) => (i === 6 ? addresses[1] : addresses[0])));

    const health = RelayHealth.parse((await getJson(`${relay.healthPortUrl}/health`)).json);
    const byAddress = new Map(health.upstream.peers.map((p) => [p.address, p]));
    const [pa, pb, pc] = addresses.map((x) => byAddress.get(x));
    expect(pa).toMatchObject({ state: 'ready', firstAnnouncements: BLOCKS - 1, announceLeadMs: 0 });
    expect(pb).toMatchObject({ firstAnnouncements: 1 });
    expect(pc).toMatchObject({ firstAnnouncements: 0 });
    // Timers on a loaded machine only ever fire late, so the measured lag is at least the delay.
    const lagB = Number(pb?.announceLeadMs);
    const lagC = Number(pc?.announceLeadMs);
    expect(lagB).toBeGreaterThanOrEqual(DELAY_MS - 2);
    expect(lagB).toBeLessThan(DELAY_MS + 100);
    expect(lagC).toBeGreaterThanOrEqual(2 * DELAY_MS - 2);
    expect(lagC).toBeLessThan(2 * DELAY_MS + 150);
    console.info(
      `announce lag p50: A 0 ms, B ${lagB} ms, C ${lagC} ms (delays ${DELAY_MS}, ${2 * DELAY_MS})`,
    );

    const metrics = (await request(`${relay.healthPortUrl}/metrics`)).body;
    const count = (peer: string | undefined): number =>
      Number(
        new RegExp(`bitcoin_sprint_peer_announce_lead_seconds_count\\{peer="${peer}"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    expect(addresses.map(count)).toEqual([BLOCKS, BLOCKS, BLOCKS]);
    const zeroBucket = new RegExp(
      `bitcoin_sprint_peer_announce_lead_seconds_bucket\\{le="0",peer="${addresses[0]}"\\} (\\d+)`,
    );
    expect(Number(zeroBucket.exec(metrics)?.[1])).toBe(BLOCKS - 1);
  });
});

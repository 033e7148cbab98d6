import { afterAll, describe, expect, it } from 'vitest';
import type { BlockAnnouncement } from '../../shared/relay-contract';
import { RelayHealth } from '../../shared/relay-contract';
import { getJson, openWebSocket } from '../../relay/test-support/clients';
import { FakeUpstream } from '../../relay/test-support/fake-upstream';
import { type RelayProcess, startRelay } from '../../relay/test-support/processes';
import { mineNext } from '../../relay/demo-peer/miner';
import { HeaderChain } from '../../relay/chain/chain';
import { CHAIN_PARAMS } from '../../relay/chain/params';
import { encodeHeaders } from '../../relay/wire/messages';
import { type HostilePeer, startHostilePeer } from './harness';

const KEY = 'mixed-peers-key';
const BLOCKS = 10;

describe('an honest peer beside a flooding one', () => {
  const honest = new FakeUpstream();
  let hostile: HostilePeer | undefined;
  let relay: RelayProcess | undefined;

  afterAll(async () => {
    honest.close();
    await Promise.all([relay?.stop(), hostile?.stop()]);
  });

  it('relays the honest peer’s blocks undisturbed and drops and bans only the flooder', async () => {
    hostile = await startHostilePeer(['--attack', 'ping-flood', '--chain', '0', '--delay', '200']);
    const honestAddress = `127.0.0.1:${await honest.listen()}`;
    relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `${honestAddress},127.0.0.1:${hostile.port}` });
    const conn = await honest.connection(0);
    await conn.nextGetHeaders();
    conn.send('headers', encodeHeaders([]));
    const stream = await openWebSocket<BlockAnnouncement>(
      `ws://127.0.0.1:${relay.apiPort}/v1/btc/stream?key=${KEY}`,
    );
    await hostile.stdout.find((e) => e.event === 'attack-started', 'the flood');

    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    for (let i = 0; i < BLOCKS; i++) {
      const block = mineNext(chain);
      chain.add(block.header);
      conn.send('headers', encodeHeaders([block.header]));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stream.messages.until((m) => m.length >= BLOCKS, `${BLOCKS} blocks from the honest peer`);
    stream.close();
    const got = stream.messages.items;
    expect(got.map((m) => m.height)).toEqual(Array.from({ length: BLOCKS }, (_, i) => i + 1));
    expect(new Set(got.map((m) => m.peer))).toEqual(new Set([honestAddress]));
    // Generous for a loaded machine; on an idle one each block takes well under a millisecond.
    for (const m of got) expect(m.relayedAt - m.receivedAt).toBeLessThan(100);

    const drop = await relay.logs.find((l) => l.message === 'peer dropped', 'the flooder dropped');
    expect(drop).toMatchObject({ code: 'PING_FLOOD', peer: `127.0.0.1:${hostile.port}` });
    const health = RelayHealth.parse((await getJson(`${relay.healthPortUrl}/health`)).json);
    const byAddress = new Map(health.upstream.peers.map((p) => [p.address, p]));
    expect(byAddress.get(honestAddress)).toMatchObject({ state: 'ready', bans: 0, misbehaviour: 0 });
    expect(byAddress.get(`127.0.0.1:${hostile.port}`)).toMatchObject({ bans: 1 });
  });
});

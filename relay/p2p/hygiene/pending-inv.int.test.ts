import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockAnnouncement } from '../../../shared/relay-contract';
import { openWebSocket, type StreamClient } from '../../test-support/clients';
import { type FakeConnection, FakeUpstream } from '../../test-support/fake-upstream';
import { type RelayProcess, startRelay } from '../../test-support/processes';
import { mineNext } from '../../demo-peer/miner';
import { HeaderChain } from '../../chain/chain';
import { CHAIN_PARAMS } from '../../chain/params';
import { encodeHeaders, encodeInv } from '../../wire/messages';
import { MAX_PENDING_INV } from './upstream-hygiene';

const KEY = 'pending-inv-key';
const LATE_MS = 80;

/**
 * Pending inv is bounded by forgetting the oldest announcements, not by clearing the whole set: a
 * real block announced among a peer's junk keeps its inv arrival time (relay latency counts from it).
 */
describe('bounded pending inv', () => {
  const upstream = new FakeUpstream();
  const chain = new HeaderChain(CHAIN_PARAMS.regtest);
  let relay: RelayProcess;
  let conn: FakeConnection;
  let stream: StreamClient<BlockAnnouncement>;

  beforeAll(async () => {
    relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${await upstream.listen()}` });
    conn = await upstream.connection(0);
    await conn.nextGetHeaders();
    conn.send('headers', encodeHeaders([]));
    await relay.logs.find((l) => l.message === 'headers synced', 'synced');
    stream = await openWebSocket<BlockAnnouncement>(
      `ws://127.0.0.1:${relay.apiPort}/v1/btc/stream?key=${KEY}`,
    );
  });

  afterAll(async () => {
    stream?.close();
    upstream.close();
    await relay?.stop();
  });

  it(`keeps the newest ${MAX_PENDING_INV} announcements when a peer announces more`, async () => {
    const block = mineNext(chain);
    // 1,500 entries with the real block last-but-499: a store that clears itself when it reaches
    // 1,000 entries (as before) loses it; one that forgets the oldest keeps it.
    const junk = (n: number) => Array.from({ length: n }, () => ({ type: 2, hash: randomBytes(32) }));
    const entries = [...junk(MAX_PENDING_INV - 1), { type: 2, hash: block.header.hashBytes }, ...junk(500)];
    const before = conn.frames.items.length;
    conn.send('inv', encodeInv(entries));
    await conn.nextGetHeaders(before);
    await new Promise((resolve) => setTimeout(resolve, LATE_MS));
    conn.send('headers', encodeHeaders([block.header]));
    await stream.messages.until((m) => m.length >= 1, 'the block');
    const got = stream.messages.items[0];
    expect(got?.hash).toBe(block.header.hash);
    // Counted from the inv, not from the headers that came LATE_MS later.
    expect((got?.relayedAt ?? 0) - (got?.receivedAt ?? 0)).toBeGreaterThanOrEqual(LATE_MS - 5);
  });
});

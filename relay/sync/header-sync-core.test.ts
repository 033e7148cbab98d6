import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeaderChain } from '../chain/chain';
import { CHAIN_PARAMS } from '../chain/params';
import { BoundedMap } from '../util/bounded-map';
import { createLogger } from '../util/log';
import { sha256d } from '../wire/bytes';
import { cachedRegtestChain } from '../test-support/chain-gen';
import { HeaderSyncCore, type SyncPeerRef } from './header-sync';

// The decisions alone, with no socket, timer or sending peer: peers are plain data here, and time
// moves only when the test moves it.

const data = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 10_000);
const batch = (from: number, n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => data.subarray((from + i) * 80, (from + i + 1) * 80));
const log = createLogger({ level: 'error' });

function setup() {
  const chain = new HeaderChain(CHAIN_PARAMS.regtest);
  const clock = { now: 1_000 };
  const core = new HeaderSyncCore<SyncPeerRef>({
    chain,
    log,
    onTip: () => undefined,
    silenceMs: 3_000,
    now: () => clock.now,
    announcements: { announced: (peer) => peer, pendingInv: new BoundedMap(16) },
  });
  return { chain, clock, core };
}

const peerAt = (startHeight: number, address = 'peer:1'): SyncPeerRef => ({
  address,
  remote: { startHeight },
});

describe('header sync decisions (no I/O)', () => {
  it('asks each new peer once from our tip, and not again while that ask is out', () => {
    const { chain, core } = setup();
    const peer = peerAt(10_000);
    const asks = core.attach(peer);
    expect(asks).toHaveLength(1);
    expect(asks[0]?.peer).toBe(peer);
    expect(asks[0]?.getheaders.locator[0]?.equals(chain.main.tipHash)).toBe(true);
    expect(core.onInv(peer, [Buffer.alloc(32, 7)], 0)).toEqual([]);
    expect(core.getheadersSent).toBe(1);
  });

  it('decides the next ask from a full reply before accepting it, and accepting it then asks nothing more', () => {
    const { chain, core } = setup();
    const peer = peerAt(10_000);
    core.attach(peer);
    const reply = batch(1, 2000);
    const ahead = core.askAhead(peer, reply);
    // Decided before the batch is stored: the peer prepares the next batch while we validate this one.
    expect(chain.height).toBe(0);
    expect(ahead?.getheaders.locator[0]?.equals(sha256d(reply[1999]!))).toBe(true);
    expect(core.onHeaders(peer, reply, 0, true, true)).toEqual([]);
    expect(chain.height).toBe(2000);
    // Without the ask ahead, accepting the same kind of reply decides the next ask itself.
    const next = batch(2001, 2000);
    const asks = core.onHeaders(peer, next, 0);
    expect(asks).toHaveLength(1);
    expect(asks[0]?.getheaders.locator[0]?.equals(chain.main.hashAt(4000))).toBe(true);
  });

  it('asks nothing ahead of a reply that is short, unsolicited or does not connect', () => {
    const { core } = setup();
    const peer = peerAt(10_000);
    core.attach(peer);
    expect(core.askAhead(peer, batch(1, 1999))).toBeNull();
    expect(core.askAhead(peer, batch(1, 2000), false)).toBeNull();
    expect(core.askAhead(peer, batch(2, 2000))).toBeNull();
    expect(core.askAhead(peerAt(5, 'unknown:1'), batch(1, 2000))).toBeNull();
  });

  it('asks again only when the clock it is given says the ask went unanswered', () => {
    const { clock, core } = setup();
    const peer = peerAt(10_000);
    core.attach(peer);
    clock.now += 2_999;
    expect(core.tick()).toEqual([]);
    clock.now += 1;
    const asks = core.tick();
    expect(asks.map((ask) => ask.peer)).toEqual([peer]);
    expect(core.info().state).toBe('stalled');
  });
});

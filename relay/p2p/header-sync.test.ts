import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeaderChain } from '../chain/chain';
import { CHAIN_PARAMS } from '../chain/params';
import { createLogger } from '../util/log';
import { decodeGetHeaders } from '../wire/messages';
import { P2PProtocolError } from '../wire/protocol-error';
import { fakeSyncPeer, headerSlices } from '../test-support/sync-peer';
import { cachedRegtestChain } from '../test-support/chain-gen';
import { HeaderSync, type TipEvent } from './header-sync';

const data = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 10_000);
const batch = (from: number, n: number): Buffer[] => headerSlices(data, from, n);
const log = createLogger({ level: 'error' });

function setup(params = CHAIN_PARAMS.regtest) {
  const chain = new HeaderChain(params);
  const tips: TipEvent[] = [];
  const sync = new HeaderSync({ chain, log, onTip: (e) => tips.push(e), silenceMs: 50 });
  return { chain, tips, sync };
}

describe('header sync state machine', () => {
  it('keeps one getheaders in flight however many announcements arrive during catch-up', () => {
    const { chain, sync } = setup();
    const peer = fakeSyncPeer(10_000);
    sync.attach(peer);
    expect(peer.sent).toHaveLength(1);
    // 50 announcements of blocks we cannot connect yet, and 50 invs: nothing more is asked.
    for (let i = 0; i < 5; i++) sync.onHeaders(peer, batch(9000 + i, 1), 0, false);
    for (let i = 0; i < 50; i++) sync.onInv(peer, [Buffer.alloc(32, i + 1)], 0);
    expect(peer.sent).toHaveLength(1);
    // The reply (full): exactly one more request, from the batch's last header.
    sync.onHeaders(peer, batch(1, 2000), 0);
    expect(peer.sent).toHaveLength(2);
    expect(decodeGetHeaders(peer.sent[1]!).locator[0]?.equals(chain.main.hashAt(2000))).toBe(true);
    expect(sync.isSynced).toBe(false);
    expect(sync.info()).toMatchObject({ state: 'syncing', height: 2000, targetHeight: 10_000 });
    sync.stop();
  });

  it('is synced when the peer start height is reached, and then streams announcements live', () => {
    const { sync, tips } = setup();
    const peer = fakeSyncPeer(4000);
    sync.attach(peer);
    sync.onHeaders(peer, batch(1, 2000), 0);
    sync.onHeaders(peer, batch(2001, 2000), 0);
    expect(sync.isSynced).toBe(true);
    expect(tips.every((t) => !t.live)).toBe(true);
    sync.onHeaders(peer, batch(4001, 1), 42, false);
    expect(tips[tips.length - 1]).toMatchObject({ live: true, receivedAt: 42, entry: { height: 4001 } });
    sync.stop();
  });

  it('a short reply means the peer has no more; an announcement extending our tip means synced', () => {
    const replied = setup();
    const peer = fakeSyncPeer(0);
    replied.sync.attach(peer);
    replied.sync.onHeaders(peer, batch(1, 1500), 0);
    expect(replied.sync.isSynced).toBe(true);
    replied.sync.stop();
    // A peer that reports start height 0 and never answers: its first announcement connects to our tip.
    const { sync, tips } = setup();
    const quiet = fakeSyncPeer(0);
    sync.attach(quiet);
    sync.onHeaders(quiet, batch(1, 1), 7, false);
    expect(sync.isSynced).toBe(true);
    expect(tips[0]).toMatchObject({ live: true, receivedAt: 7, entry: { height: 1 } });
    sync.stop();
  });

  it('falls back to syncing when a peer connects far ahead of us (back after a long gap)', () => {
    const { sync } = setup();
    const first = fakeSyncPeer(2000);
    sync.attach(first);
    sync.onHeaders(first, batch(1, 2000), 0);
    expect(sync.isSynced).toBe(true);
    sync.detach(first);
    const later = fakeSyncPeer(6000);
    sync.attach(later);
    expect(sync.isSynced).toBe(false);
    expect(sync.info().state).toBe('syncing');
    sync.onHeaders(later, batch(2001, 2000), 0);
    sync.onHeaders(later, batch(4001, 2000), 0);
    expect(sync.isSynced).toBe(true);
    sync.stop();
  });

  it('does not call a chain below the minimum work synced, nor blame the peer: it waits for the upstream', () => {
    const { sync } = setup({ ...CHAIN_PARAMS.regtest, minimumChainWork: 1_000_000n });
    const peer = fakeSyncPeer(0);
    sync.attach(peer);
    let code: string | undefined;
    try {
      sync.onHeaders(peer, batch(1, 100), 0);
      // Core in initial block download answers an empty headers to every getheaders.
      sync.onHeaders(peer, [], 0);
    } catch (err) {
      code = err instanceof P2PProtocolError ? err.code : String(err);
    }
    expect(code).toBeUndefined();
    expect(sync.isSynced).toBe(false);
    expect(sync.info()).toMatchObject({ state: 'waiting-upstream', upstreamHeight: 100, height: 0 });
    expect(sync.peerChainState(peer)).toBe('syncing (height 100)');
    sync.stop();
  });
});

import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeaderChain } from '../chain/chain';
import { MAX_FUTURE_SECONDS } from '../chain/rules';
import { CHAIN_PARAMS } from '../chain/params';
import { createLogger } from '../util/log';
import { decodeGetHeaders } from '../wire/messages';
import { fakeSyncPeer, headerSlices } from '../test-support/sync-peer';
import { cachedRegtestChain, mineInto } from '../test-support/chain-gen';
import { HeaderSync, type ReorgEvent } from './header-sync';

const data = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 10_000);
const log = createLogger({ level: 'error' });

describe('deep forks through headers presync', () => {
  it('a heavier branch forking 1,400 blocks back is checked, then adopted; not ready while its work is unvalidated', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    const reorgs: ReorgEvent[] = [];
    const sync = new HeaderSync({
      chain,
      log,
      onTip: () => undefined,
      onReorg: (e) => reorgs.push(e),
      silenceMs: 50,
    });
    const peer = fakeSyncPeer(1500);
    sync.attach(peer);
    sync.onHeaders(peer, headerSlices(data, 1, 1500), 0);
    expect(sync.isSynced).toBe(true);
    // The branch: from height 100, 1,401 headers (one more than the main chain has above 100).
    const fork = { height: 100, hash: chain.main.hashAt(100), time: chain.main.timeAt(100) };
    const branch = Buffer.alloc(1401 * 80);
    mineInto(branch, 0, fork, 1401, 77);
    const branchRaws = headerSlices(branch, 0, 1401);
    // Announced: its first header is too deep to keep as a side branch; no error, a presync request.
    const before = peer.sent.length;
    sync.onHeaders(peer, branchRaws.slice(0, 1), 0, false);
    expect(peer.sent.length).toBe(before + 1);
    expect(decodeGetHeaders(peer.sent.at(-1)!).locator[0]?.equals(chain.main.hashAt(100))).toBe(true);
    expect(sync.peerChainState(peer)).toMatch(/^presync/);
    expect(chain.side.size).toBe(0);
    // First pass: more work than our tip, nothing stored; the relay must not call itself ready.
    sync.onHeaders(peer, branchRaws, 0);
    expect(sync.unvalidatedWork).toBe(true);
    expect(chain.height).toBe(1500);
    expect(chain.side.size).toBe(0);
    expect(decodeGetHeaders(peer.sent.at(-1)!).locator[0]?.equals(chain.main.hashAt(100))).toBe(true);
    // Second pass: the same chain (commitments match), adopted; the reorg names all 1,400 blocks.
    const oldTip = chain.tip.header.hash;
    sync.onHeaders(peer, branchRaws, 0);
    expect(sync.unvalidatedWork).toBe(false);
    expect(chain.height).toBe(1501);
    expect(reorgs).toHaveLength(1);
    expect(reorgs[0]!.fork).toBe(100);
    expect(reorgs[0]!.disconnected).toHaveLength(1400);
    expect(reorgs[0]!.disconnected[0]).toEqual({ height: 1500, hash: oldTip });
    sync.stop();
  });

  it('a second pass that serves another chain is abandoned without adopting it', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    const sync = new HeaderSync({ chain, log, onTip: () => undefined, silenceMs: 50 });
    const peer = fakeSyncPeer(1500);
    sync.attach(peer);
    sync.onHeaders(peer, headerSlices(data, 1, 1500), 0);
    const fork = { height: 100, hash: chain.main.hashAt(100), time: chain.main.timeAt(100) };
    const first = Buffer.alloc(1401 * 80);
    const other = Buffer.alloc(1401 * 80);
    mineInto(first, 0, fork, 1401, 1);
    mineInto(other, 0, fork, 1401, 2);
    sync.onHeaders(peer, headerSlices(first, 0, 1), 0, false);
    sync.onHeaders(peer, headerSlices(first, 0, 1401), 0);
    expect(sync.unvalidatedWork).toBe(true);
    sync.onHeaders(peer, headerSlices(other, 0, 1401), 0);
    expect(sync.unvalidatedWork).toBe(false);
    expect(chain.height).toBe(1500);
    expect(chain.tip.header.hash).toBe(chain.atHeight(1500)!.header.hash);
    sync.stop();
  });
});

describe('headers from the future', () => {
  it('are refused without an error against the peer; the valid ones before them stay', () => {
    const headers = headerSlices(data, 1, 300);
    const timeOf = (i: number) => headers[i]!.readUInt32LE(68);
    // Times are read from the chain, never from today: the generated chain is cached between runs, so
    // its age against Date.now() is not known here.
    const rightClock = timeOf(299) + 3600;
    let now = rightClock;
    const chain = new HeaderChain(CHAIN_PARAMS.regtest, { nowSeconds: () => now });
    // This machine's clock runs slow: headers from the 150th on are more than 2 h ahead of it.
    now = timeOf(150) - MAX_FUTURE_SECONDS - 1;
    const r = chain.addHeaders(headers, 'p');
    expect(r.future).not.toBeNull();
    expect(r.future!.reason).toMatch(/ahead of this machine's clock/);
    expect(r.future!.index).toBe(150);
    expect(chain.height).toBe(r.future!.index);
    // The clock is put right: the same headers are taken.
    now = rightClock;
    expect(chain.addHeaders(headers.slice(r.future!.index), 'p').future).toBeNull();
    expect(chain.height).toBe(300);
  });
});
